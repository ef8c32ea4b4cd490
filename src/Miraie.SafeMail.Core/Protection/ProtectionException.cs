using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// A password-protected ZIP cannot be made from what the user gave (no files, a file name that is empty once
/// cleaned, an unusable password). <see cref="UserMessage"/> is meant to be shown to that user as it is;
/// <see cref="Exception.Message"/> is its English text, for logs.
/// </summary>
public sealed class ProtectionException : Exception
{
    /// <summary>Creates the exception from the message the user will read.</summary>
    public ProtectionException(LocalizedText userMessage)
        : base(userMessage?.En)
    {
        ArgumentNullException.ThrowIfNull(userMessage);
        UserMessage = userMessage;
    }

    /// <summary>What went wrong, in Japanese and English, phrased for the person who asked for the ZIP.</summary>
    public LocalizedText UserMessage { get; }
}
