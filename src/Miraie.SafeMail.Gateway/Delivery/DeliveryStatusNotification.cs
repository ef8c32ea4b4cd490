using System.Text;
using MimeKit;
using MimeKit.Utils;
using Miraie.SafeMail.Gateway.Notices;
using Miraie.SafeMail.Gateway.Quarantine;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// Writes the failure report (配送エラー通知, an RFC 3464 delivery status notification) that goes back to a message's
/// envelope sender when delivery fails permanently (an upstream 5xx) or its retry lifetime runs out (4.4.7). The report
/// is an RFC 6522 <c>multipart/report; report-type=delivery-status</c> of three parts: a Japanese-then-English
/// explanation, the machine-readable <c>message/delivery-status</c>, and the original header fields as
/// <c>text/rfc822-headers</c> — never the body, which may hold the very attachment the gateway exists to stop.
/// </summary>
/// <remarks>
/// <para>Pure: builds a <see cref="MimeMessage"/> and nothing else; the clock is the given <see cref="TimeProvider"/>.</para>
/// <para>
/// Send every report with the null envelope sender, <c>MAIL FROM:&lt;&gt;</c> (<see cref="EnvelopeSender"/>), as RFC 5321
/// §4.5.5 and RFC 3464 require: a report that itself cannot be delivered must never produce another one, and a message
/// that arrived with the null sender gets no report (<see cref="Create"/> returns null for it).
/// </para>
/// <para>
/// The whole message is 7-bit (base64 text, ASCII report fields, header fields quoted-printable when they hold 8-bit
/// bytes), so any SMTP server relays it without 8BITMIME. Serialise it with CRLF line endings (MailKit's
/// <c>SmtpClient</c> does).
/// </para>
/// </remarks>
public sealed class DeliveryStatusNotification
{
    /// <summary>The envelope sender (MAIL FROM) every report must be sent with: the null reverse-path <c>&lt;&gt;</c>, given as "".</summary>
    public const string EnvelopeSender = NoticeFormat.NullSender;

    /// <summary>The <c>report-type</c> of the <c>multipart/report</c> (RFC 3464 §3).</summary>
    public const string ReportType = "delivery-status";

    private readonly string _serverName;
    private readonly MailboxAddress _from;
    private readonly string? _operatorContact;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;

    /// <summary>
    /// Japanese mail still often names its subject in ISO-2022-JP or Shift_JIS, which .NET decodes only with the code
    /// page provider; the inspector registers it too, but a report must not depend on the inspector having run first.
    /// </summary>
    static DeliveryStatusNotification() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Prepares reports from this gateway.</summary>
    /// <param name="gateway">
    /// <see cref="GatewayOptions.ServerName"/> is the Reporting-MTA (<c>dns; gw1.example.co.jp</c>) and the domain of the
    /// From address and Message-ID; the host name when unset.
    /// </param>
    /// <param name="notices">
    /// <see cref="QuarantineOptions.NoticeFrom"/> replaces the default From, <c>Mail Delivery System
    /// &lt;MAILER-DAEMON@server&gt;</c>; <see cref="QuarantineOptions.OperatorContact"/> is offered for questions.
    /// </param>
    /// <param name="time">The clock for the report's Date.</param>
    /// <param name="displayZone">The zone dates are shown in for people; default Asia/Tokyo (JST).</param>
    public DeliveryStatusNotification(GatewayOptions gateway, QuarantineOptions notices, TimeProvider time, TimeZoneInfo? displayZone = null)
    {
        _serverName = NoticeFormat.ServerName(gateway);
        _from = NoticeFormat.FromAddress(notices.NoticeFrom, "MAILER-DAEMON", _serverName, "Mail Delivery System");
        _operatorContact = notices.OperatorContact;
        _time = time;
        _zone = displayZone ?? NoticeFormat.DefaultZone;
    }

    /// <summary>
    /// The failure report for <paramref name="message"/>, addressed to its envelope sender; <c>null</c> when that sender
    /// is the null reverse-path (a bounce, or a report like this one), which must never be answered with a report.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// No recipients, a recipient with an empty address, a status that is not an RFC 3463 code of class 4 or 5 (Action
    /// <c>failed</c> cannot carry a success), or an envelope sender that is not a mail address.
    /// </exception>
    public MimeMessage? Create(UndeliveredMessage message)
    {
        if (NoticeFormat.IsNullSender(message.EnvelopeSender))
        {
            return null;
        }

        Validate(message);
        var headerSection = HeaderSection.Extract(message.OriginalMessage.Span);
        var (subject, messageId) = ReadOriginal(headerSection);

        var report = new MultipartReport(ReportType)
        {
            Explanation(subject, message),
            Status(message),
        };
        if (headerSection.Length > 0)
        {
            // RFC 6522 makes the third part optional; a message with no header fields has nothing to return.
            report.Add(Headers(headerSection));
        }

        var dsn = new MimeMessage();
        NoticeFormat.Address(
            dsn,
            _from,
            NoticeFormat.Recipient(message.EnvelopeSender, nameof(message)),
            $"{DsnTexts.Subject.Ja} / {DsnTexts.Subject.En}",
            TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _zone),
            "auto-replied");
        if (messageId is not null)
        {
            // Threads the report with the original in the sender's mail program, as Exchange's reports do.
            dsn.InReplyTo = messageId;
            dsn.References.Add(messageId);
        }

        dsn.Body = report;
        return dsn;
    }

    /// <summary>
    /// Reads a spooled message only as far as the end of its header section (at most 1 MiB) and returns its header
    /// fields, for <see cref="UndeliveredMessage.OriginalMessage"/>: the body is never read into memory.
    /// </summary>
    public static Task<byte[]> ReadHeaderSectionAsync(Stream message, CancellationToken cancellationToken = default) =>
        HeaderSection.ReadAsync(message, cancellationToken);

    private static void Validate(UndeliveredMessage message)
    {
        if (message.Recipients.Count == 0)
        {
            throw new ArgumentException("A delivery status notification needs at least one recipient.", nameof(message));
        }

        foreach (var recipient in message.Recipients)
        {
            if (string.IsNullOrWhiteSpace(recipient.Address))
            {
                throw new ArgumentException("A DSN recipient has an empty address.", nameof(message));
            }

            if (!DsnRecipient.IsStatusCode(recipient.Status) || recipient.Status[0] == '2')
            {
                throw new ArgumentException(
                    $"Status '{recipient.Status}' for {recipient.Address} is not a failure code (class 4 or 5, e.g. 5.1.1 or 4.4.7).", nameof(message));
            }
        }
    }

    private TextPart Explanation(string? subject, UndeliveredMessage message)
    {
        var part = NoticeFormat.PlainText(
            DsnTexts.Body(subject, message.Recipients, message.ArrivalDate, message.QueueId, _operatorContact, _zone));
        part.ContentDescription = "Notification";
        return part;
    }

    private MessageDeliveryStatus Status(UndeliveredMessage message)
    {
        // RFC 3464 §2.2: per-message fields, in the order of its grammar, then the extension field.
        var perMessage = new HeaderList();
        if (!string.IsNullOrWhiteSpace(message.EnvelopeId))
        {
            perMessage.Add(DeliveryStatusFields.Field("Original-Envelope-Id", DeliveryStatusFields.Text(message.EnvelopeId)));
        }

        perMessage.Add(DeliveryStatusFields.Field("Reporting-MTA", DeliveryStatusFields.Mta(_serverName)));
        perMessage.Add(DeliveryStatusFields.Field("Arrival-Date", DateUtils.FormatDate(TimeZoneInfo.ConvertTime(message.ArrivalDate, _zone))));
        perMessage.Add(DeliveryStatusFields.Field("X-SafeMail-Queue-ID", DeliveryStatusFields.Text(message.QueueId)));

        var groups = new List<HeaderList> { perMessage };
        foreach (var recipient in message.Recipients)
        {
            // RFC 3464 §2.3: per-recipient fields, in the order of its grammar.
            var fields = new HeaderList
            {
                DeliveryStatusFields.Field("Final-Recipient", DeliveryStatusFields.Address(recipient.Address)),
                DeliveryStatusFields.Field("Action", "failed"),
                DeliveryStatusFields.Field("Status", recipient.Status),
            };
            if (!string.IsNullOrWhiteSpace(recipient.RemoteMta))
            {
                fields.Add(DeliveryStatusFields.Field("Remote-MTA", DeliveryStatusFields.Mta(recipient.RemoteMta)));
            }

            if (!string.IsNullOrWhiteSpace(recipient.SmtpReply))
            {
                fields.Add(DeliveryStatusFields.Field("Diagnostic-Code", "smtp; " + DeliveryStatusFields.Text(recipient.SmtpReply)));
            }

            if (recipient.LastAttemptDate is { } last)
            {
                fields.Add(DeliveryStatusFields.Field("Last-Attempt-Date", DateUtils.FormatDate(TimeZoneInfo.ConvertTime(last, _zone))));
            }

            groups.Add(fields);
        }

        return new MessageDeliveryStatus { Content = GroupsContent(groups), ContentDescription = "Delivery report" };
    }

    /// <summary>
    /// The groups separated by one empty line. Written here rather than through <see cref="MessageDeliveryStatus.StatusGroups"/>,
    /// which ends the last group with an empty line too: MimeKit and Python's email package both read that as an
    /// extra, empty recipient group.
    /// </summary>
    private static MimeContent GroupsContent(List<HeaderList> groups)
    {
        var content = new MemoryStream();
        var crlf = new FormatOptions { NewLineFormat = NewLineFormat.Dos };
        foreach (var group in groups)
        {
            group.WriteTo(crlf, content); // the fields, then an empty line
        }

        content.SetLength(content.Length - 2);
        content.Position = 0;
        return new MimeContent(content);
    }

    /// <summary>
    /// The header fields as <c>text/rfc822-headers</c>: 7bit when they are plain ASCII in lines of at most 998 octets, else
    /// quoted-printable, which RFC 6522 §4 allows for exactly this (headers that are not 7-bit clean).
    /// </summary>
    private static MimePart Headers(byte[] headerSection)
    {
        var part = new MimePart("text", "rfc822-headers")
        {
            Content = new MimeContent(new MemoryStream(headerSection, writable: false)),
            ContentTransferEncoding = IsSevenBitClean(headerSection) ? ContentEncoding.SevenBit : ContentEncoding.QuotedPrintable,
            ContentDescription = "Undelivered Message Headers",
        };
        return part;
    }

    private static bool IsSevenBitClean(ReadOnlySpan<byte> bytes)
    {
        var lineLength = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == '\r' && i + 1 < bytes.Length && bytes[i + 1] == '\n')
            {
                lineLength = 0;
                i++;
                continue;
            }

            // HeaderSection writes CRLF only, so any other CR or LF, a NUL, 8-bit or an overlong line needs encoding.
            if (b >= 0x80 || b is 0 or (byte)'\r' or (byte)'\n' || ++lineLength > 998)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The original subject (RFC 2047 decoded) and Message-ID, from the header fields just extracted.</summary>
    private static (string? Subject, string? MessageId) ReadOriginal(byte[] headerSection)
    {
        if (headerSection.Length == 0)
        {
            return (null, null);
        }

        try
        {
            using var stream = new MemoryStream(headerSection, writable: false);
            var headers = HeaderList.Load(stream);
            var messageId = headers[HeaderId.MessageId] is { } id ? MimeUtils.EnumerateReferences(id).FirstOrDefault() : null;
            return (headers[HeaderId.Subject], messageId);
        }
        catch (FormatException)
        {
            // MimeKit could not read fields we kept as well-formed; the report is still useful without them.
            return (null, null);
        }
    }
}
