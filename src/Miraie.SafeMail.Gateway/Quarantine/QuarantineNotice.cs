using MimeKit;
using Miraie.SafeMail.Gateway.Notices;

namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>
/// Writes the notice (隔離のお知らせ) that tells a sender, in Japanese then English, that their message was quarantined:
/// which message, which attachments and why (each decisive finding), and what to do — encrypt the attachments with the
/// Outlook add-in and send again, or ask the operator to release it quoting the quarantine id. Whether to send it at
/// all is <see cref="QuarantineOptions.NotifySender"/>'s call, made by the caller.
/// </summary>
/// <remarks>
/// <para>
/// Pure: builds a <see cref="MimeMessage"/> from the envelope and verdict only, so neither the body nor any attachment
/// can reach it. One <c>text/plain; charset=utf-8</c> part in base64 — no HTML (this product never renders mail
/// content as HTML), 7-bit clean for any SMTP server.
/// </para>
/// <para>
/// Send it with the null envelope sender, <c>MAIL FROM:&lt;&gt;</c> (<see cref="EnvelopeSender"/>), so a notice that
/// cannot be delivered ends there instead of bouncing; a quarantined message from the null sender (a bounce) gets no
/// notice (<see cref="Create"/> returns null).
/// </para>
/// </remarks>
public sealed class QuarantineNotice
{
    /// <summary>The envelope sender (MAIL FROM) every notice must be sent with: the null reverse-path <c>&lt;&gt;</c>, given as "".</summary>
    public const string EnvelopeSender = NoticeFormat.NullSender;

    private readonly MailboxAddress _from;
    private readonly string? _operatorContact;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;

    /// <summary>Prepares notices from this gateway.</summary>
    /// <param name="gateway"><see cref="GatewayOptions.ServerName"/> is the domain of the default From and of the Message-ID.</param>
    /// <param name="quarantine">
    /// <see cref="QuarantineOptions.NoticeFrom"/> (default <c>postmaster@</c> the server name),
    /// <see cref="QuarantineOptions.OperatorContact"/> (whom to ask for a release) and
    /// <see cref="QuarantineOptions.Retention"/> (when quarantined mail is deleted).
    /// </param>
    /// <param name="time">The clock for the notice's Date.</param>
    /// <param name="displayZone">The zone dates are shown in for people; default Asia/Tokyo (JST).</param>
    public QuarantineNotice(GatewayOptions gateway, QuarantineOptions quarantine, TimeProvider time, TimeZoneInfo? displayZone = null)
    {
        _from = NoticeFormat.FromAddress(quarantine.NoticeFrom, "postmaster", NoticeFormat.ServerName(gateway), "Miraie SafeMail");
        _operatorContact = quarantine.OperatorContact;
        _retention = quarantine.Retention;
        _time = time;
        _zone = displayZone ?? NoticeFormat.DefaultZone;
    }

    /// <summary>
    /// The notice for <paramref name="message"/>, addressed to its envelope sender; <c>null</c> when that sender is the
    /// null reverse-path, which nobody reads.
    /// </summary>
    /// <exception cref="ArgumentException">The quarantine id is empty, or the envelope sender is not a mail address.</exception>
    public MimeMessage? Create(QuarantinedMessage message)
    {
        if (NoticeFormat.IsNullSender(message.Envelope.Sender))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(message.QuarantineId))
        {
            throw new ArgumentException("A quarantine notice needs the quarantine id: it is what the sender quotes to have the message released.", nameof(message));
        }

        var notice = new MimeMessage();
        NoticeFormat.Address(
            notice,
            _from,
            NoticeFormat.Recipient(message.Envelope.Sender, nameof(message)),
            QuarantineNoticeTexts.Subject(message.Subject),
            TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _zone),
            "auto-generated");
        notice.Body = NoticeFormat.PlainText(QuarantineNoticeTexts.Body(message, _operatorContact, _retention, _zone));
        return notice;
    }
}
