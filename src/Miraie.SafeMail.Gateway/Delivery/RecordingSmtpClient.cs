using MailKit.Net.Smtp;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// MailKit's client, told not to give up on the whole message when the server refuses one recipient: refused
/// recipients are recorded with the server's reply and the message goes to the others (per-recipient results).
/// </summary>
internal sealed class RecordingSmtpClient : SmtpClient
{
    /// <summary>Recipients refused in the current transaction, with the server's reply.</summary>
    public Dictionary<string, SmtpResponse> Refused { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When this connection was last used, to decide whether to probe it with NOOP before reuse.</summary>
    public DateTimeOffset LastUsed { get; set; }

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Refused[mailbox.Address] = response;

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
