using System.Globalization;
using System.Text.RegularExpressions;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// One recipient the gateway has given up on, as its DSN reports it (RFC 3464 §2.3: Final-Recipient, Action
/// <c>failed</c>, Status, Remote-MTA, Diagnostic-Code, Last-Attempt-Date). Build it with <see cref="Rejected"/> after an
/// upstream 5xx or <see cref="Expired"/> when the retry lifetime runs out, so the status code always matches the reply.
/// </summary>
/// <param name="Address">The envelope recipient (RCPT TO) that failed.</param>
/// <param name="Status">
/// RFC 3463 enhanced status code, <c>class.subject.detail</c>: class 5 for a permanent failure (<c>5.1.1</c> no such
/// user), class 4 for a temporary one that lasted too long (<c>4.4.7</c> delivery time expired).
/// </param>
public sealed partial record DsnRecipient(string Address, string Status)
{
    /// <summary>RFC 3463 §3.5 X.4.7 "Delivery time expired": the status reported when retries stop.</summary>
    public const string ExpiredStatus = "4.4.7";

    /// <summary>The upstream host that answered (<c>mx1.partner.example.com</c>), when a server was reached.</summary>
    public string? RemoteMta { get; init; }

    /// <summary>
    /// The upstream SMTP reply, code first (<c>550 5.1.1 &lt;x@partner.example.com&gt;: user unknown</c>), reported as
    /// <c>Diagnostic-Code: smtp; …</c>. Null when no server replied (the host could not be reached).
    /// </summary>
    public string? SmtpReply { get; init; }

    /// <summary>When delivery to this recipient was last tried.</summary>
    public DateTimeOffset? LastAttemptDate { get; init; }

    /// <summary>
    /// A recipient the upstream server refused with a 5xx reply. The status is the reply's own enhanced code when it
    /// gives one of the same class (<c>550 5.1.1 …</c> gives <c>5.1.1</c>), else <c>5.0.0</c> (RFC 3463: undefined).
    /// </summary>
    /// <param name="address">The envelope recipient.</param>
    /// <param name="replyCode">The SMTP reply code, 500–599 (MailKit's <c>SmtpCommandException.StatusCode</c>).</param>
    /// <param name="replyText">The reply text after the code, as MailKit gives it (<c>5.1.1 &lt;x&gt;: user unknown</c>).</param>
    /// <param name="remoteMta">The host that replied.</param>
    /// <param name="lastAttempt">When it replied.</param>
    public static DsnRecipient Rejected(string address, int replyCode, string replyText, string? remoteMta, DateTimeOffset lastAttempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replyCode, 500);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replyCode, 599);
        var text = replyText.Trim();
        var enhanced = EnhancedCode().Match(text);
        var status = enhanced.Success && enhanced.Groups[1].Value == "5" ? enhanced.Value : "5.0.0";
        return new DsnRecipient(address, status)
        {
            RemoteMta = remoteMta,
            SmtpReply = string.Create(CultureInfo.InvariantCulture, $"{replyCode} {text}").TrimEnd(),
            LastAttemptDate = lastAttempt,
        };
    }

    /// <summary>
    /// A recipient still failing temporarily when the retry lifetime (<c>DeliveryOptions.MaxLifetime</c>) ran out:
    /// status <see cref="ExpiredStatus"/>, with the last temporary reply when there was one.
    /// </summary>
    /// <param name="address">The envelope recipient.</param>
    /// <param name="lastAttempt">When delivery was last tried, if ever.</param>
    /// <param name="remoteMta">The host tried last, when one answered.</param>
    /// <param name="lastReply">The last 4xx reply, code first (<c>451 4.3.0 try again later</c>), when a server replied.</param>
    public static DsnRecipient Expired(string address, DateTimeOffset? lastAttempt, string? remoteMta = null, string? lastReply = null) =>
        new(address, ExpiredStatus) { RemoteMta = remoteMta, SmtpReply = lastReply, LastAttemptDate = lastAttempt };

    /// <summary>True for a well-formed RFC 3463 code: class 2, 4 or 5, then subject and detail of 1–3 digits.</summary>
    public static bool IsStatusCode(string status) => StatusCode().IsMatch(status);

    [GeneratedRegex(@"^[245]\.\d{1,3}\.\d{1,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex StatusCode();

    [GeneratedRegex(@"^([245])\.\d{1,3}\.\d{1,3}(?=\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex EnhancedCode();
}
