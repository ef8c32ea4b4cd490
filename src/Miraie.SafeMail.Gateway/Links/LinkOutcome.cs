using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Links;

/// <summary>The message without its attachments and the files for the link, or why there is none (in both languages).</summary>
public sealed record LinkOutcome(MessageContent? Message, IReadOnlyList<LinkedFile> Files, LocalizedText? Problem)
{
    /// <summary>No link: the reason.</summary>
    public static LinkOutcome Refused(string ja, string en) => new(null, [], new LocalizedText(ja, en));
}
