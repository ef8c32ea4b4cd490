using Microsoft.Extensions.Options;
using MimeKit;
using Miraie.SafeMail.Gateway.Notices;

namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>
/// Writes the password mail (パスワードのお知らせ) that follows a message carrying an add-in archive: one per recipient,
/// addressed to that recipient alone (a password mail to all of them would show the Bcc recipients to the others), from
/// the original sender, threaded under the original message, in Japanese and/or English as the admin chose.
/// </summary>
/// <remarks>
/// Pure: built from the original's envelope and headers only. One <c>text/plain; charset=utf-8</c> part, no HTML;
/// auto-responders are told not to answer (an out-of-office reply quoting the password back would defeat its purpose).
/// </remarks>
public sealed class PasswordMail(IOptionsMonitor<PasswordDeliveryOptions> options, TimeProvider time)
{
    /// <summary>The password mail for <paramref name="recipient"/>.</summary>
    public MimeMessage Create(PasswordMailFacts facts, string recipient)
    {
        var language = options.CurrentValue.Language;
        var subject = NoticeFormat.Safe(facts.Subject ?? "");
        var file = NoticeFormat.Safe(facts.FileName);
        var sent = NoticeFormat.Date(facts.SentAt, NoticeFormat.DefaultZone);
        var ja = $"""
            {recipient} 様

            {facts.Sender} から {sent} にお送りしたメール「{subject}」の
            添付ファイル（{file}）を開くパスワードをお知らせします。

            パスワード: {facts.Password}

            このメールは送信者に代わり SafeMail が自動でお送りしています。このメールに返信しないでください。
            お心当たりがない場合はこのメールを破棄し、送信者にご連絡ください。
            """;
        var en = $"""
            To {recipient},

            Here is the password for the attachment ({file}) of the message "{subject}"
            that {facts.Sender} sent you on {sent}.

            Password: {facts.Password}

            SafeMail sent this message automatically on the sender's behalf. Please do not reply to it.
            If you were not expecting it, delete it and tell the sender.
            """;
        var (title, body) = language switch
        {
            "ja" => ($"【パスワードのお知らせ】{subject}", ja),
            "en" => ($"[Password] {subject}", en),
            _ => ($"【パスワードのお知らせ / Password】{subject}", ja + "\n\n----------------------------------------\n\n" + en),
        };

        var message = new MimeMessage();
        NoticeFormat.Address(message, facts.From, new MailboxAddress("", recipient), title, time.GetUtcNow(), "auto-generated");
        if (facts.MessageId is { Length: > 0 } original)
        {
            message.InReplyTo = original;
            message.References.Add(original);
        }

        message.Body = NoticeFormat.PlainText(body);
        return message;
    }
}
