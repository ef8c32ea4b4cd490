using MailKit.Net.Smtp;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// MailKit's client, told not to give up on the whole message when the server refuses one recipient: refused
/// recipients are recorded with the server's reply and the message goes to the others (per-recipient results).
/// A <see cref="VerbatimMessage"/> is sent as it is: MailKit's preparation step (which re-encodes parts whose lines
/// are longer than 998 octets or hold 8-bit bytes the server did not offer to take) is skipped, and its size is known
/// without writing it once more to measure it.
/// </summary>
internal sealed class RecordingSmtpClient : SmtpClient
{
    /// <summary>Recipients refused in the current transaction, with the server's reply.</summary>
    public Dictionary<string, SmtpResponse> Refused { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When this connection was last used, to decide whether to probe it with NOOP before reuse.</summary>
    public DateTimeOffset LastUsed { get; set; }

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Refused[mailbox.Address] = response;

    protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
    {
        if (message is not VerbatimMessage)
        {
            base.Prepare(options, message, constraint, maxLineLength);
        }
    }

    protected override long GetSize(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        message is VerbatimMessage verbatim ? verbatim.Length : base.GetSize(options, message, cancellationToken);

    protected override Task<long> GetSizeAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        message is VerbatimMessage verbatim ? Task.FromResult(verbatim.Length) : base.GetSizeAsync(options, message, cancellationToken);

    protected override void OnNoRecipientsAccepted(MimeMessage message) => throw new NoRecipientAcceptedException();

    /// <summary>Every recipient was refused: nothing to send.</summary>
    internal sealed class NoRecipientAcceptedException : Exception
    {
        public NoRecipientAcceptedException()
            : base("no recipient was accepted")
        {
        }
    }
}
