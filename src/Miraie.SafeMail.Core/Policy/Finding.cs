using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// One reason found in a message, naming the attachment by its path:
/// <c>見積.zip › data/顧客.xlsx: 暗号化されていません / not encrypted</c>.
/// </summary>
/// <param name="Code">Stable identifier: <c>not-encrypted</c>, <c>unknown</c>, <c>disguised</c>, <c>executable</c>, <c>structure</c>, <c>too-large</c>.</param>
/// <param name="Path">The attachment's path, or null for the message as a whole.</param>
/// <param name="Text">What was found.</param>
/// <param name="Decisive">True when the deciding rule matched because of this finding.</param>
public sealed record Finding(string Code, string? Path, LocalizedText Text, bool Decisive)
{
    /// <summary>The reason as one line in both languages.</summary>
    public LocalizedText Line => Path is null ? Text : new LocalizedText($"{Path}: {Text.Ja}", $"{Path}: {Text.En}");
}
