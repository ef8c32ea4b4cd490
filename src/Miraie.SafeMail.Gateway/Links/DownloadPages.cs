using System.Text;
using System.Text.Encodings.Web;
using Miraie.SafeMail.Gateway.Notices;
using Miraie.SafeMail.Storage.Links;

namespace Miraie.SafeMail.Gateway.Links;

/// <summary>
/// The download page's HTML, in Japanese or English: small, usable on a phone, without script. Every value written into
/// it is HTML-encoded; nothing of any mail is shown but the file names and sizes, and those only after the code.
/// </summary>
public sealed class DownloadPages(bool english, string antiforgeryField, string antiforgeryToken)
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All); // Japanese as text, markup characters still encoded

    private string T(string ja, string en) => english ? en : ja;

    /// <summary>First visit: which address received the mail.</summary>
    public string AskAddress(string id, string? problem = null) => Page(T("ファイルのダウンロード", "Download files"), b =>
    {
        b.Append("<p>").Append(E(T("このページのファイルは、メールを受け取った方だけがダウンロードできます。メールを受け取ったアドレスを入力してください。確認コードをお送りします。",
            "Only the recipients of the mail can download these files. Enter the address that received the mail: a confirmation code is sent to it."))).Append("</p>");
        Problem(b, problem);
        Form(b, $"/d/{id}/code", f => f
            .Append("<label for=\"address\">").Append(E(T("メールアドレス", "Email address"))).Append("</label>")
            .Append("<input id=\"address\" name=\"address\" type=\"email\" autocomplete=\"email\" required maxlength=\"254\">")
            .Append("<button type=\"submit\">").Append(E(T("確認コードを送る", "Send the code"))).Append("</button>"));
    }, id);

    /// <summary>After asking: enter the code (said the same whether or not the address is a recipient).</summary>
    public string AskCode(string id, string address, string? problem = null) => Page(T("確認コードの入力", "Enter the code"), b =>
    {
        b.Append("<p>").Append(E(T($"{address} がこのメールの宛先であれば、確認コードを送りました。届いた6桁のコードを入力してください。",
            $"If {address} received the mail, a code has been sent to it. Enter the six digits."))).Append("</p>");
        Problem(b, problem);
        Form(b, $"/d/{id}/open", f => f
            .Append("<input type=\"hidden\" name=\"address\" value=\"").Append(E(address)).Append("\">")
            .Append("<label for=\"code\">").Append(E(T("確認コード（6桁）", "Code (six digits)"))).Append("</label>")
            .Append("<input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" maxlength=\"6\" required>")
            .Append("<button type=\"submit\">").Append(E(T("確認する", "Confirm"))).Append("</button>"));
        b.Append("<p><a href=\"/d/").Append(id).Append("\">").Append(E(T("コードを送り直す", "Send a new code"))).Append("</a></p>");
    }, id);

    /// <summary>The address is proven: the files.</summary>
    public string Files(LinkRecord link, string address, string expires) => Page(T("ダウンロード", "Download"), b =>
    {
        b.Append("<p>").Append(E(T($"{address} として確認しました。{expires} までダウンロードできます。", $"Confirmed as {address}. Available until {expires}."))).Append("</p><ul class=\"files\">");
        foreach (var file in link.Files)
        {
            b.Append("<li><a href=\"/d/").Append(link.Id).Append("/files/").Append(file.Ordinal).Append("\" download>").Append(E(file.Name)).Append("</a> <span>")
                .Append(E(NoticeSize.Of(file.Size))).Append("</span></li>");
        }

        b.Append("</ul>");
        if (link.Files.Count > 1)
        {
            b.Append("<p><a class=\"button\" href=\"/d/").Append(link.Id).Append("/all.zip\" download>").Append(E(T("まとめてダウンロード（ZIP）", "Download all (ZIP)"))).Append("</a></p>");
        }
    }, link.Id);

    /// <summary>Unknown, expired, revoked or purged: one page for all, saying nothing about which.</summary>
    public string Gone() => Page(T("このリンクは使えません", "This link is not available"), b => b.Append("<p>")
        .Append(E(T("リンクの有効期限が切れたか、送信者が取り消しました。必要な場合は、送信者に連絡してください。",
            "The link has expired or was revoked by its sender. If you still need the files, please contact the sender."))).Append("</p>"), null);

    private void Form(StringBuilder b, string action, Action<StringBuilder> fields)
    {
        b.Append("<form method=\"post\" action=\"").Append(action).Append("\">")
            .Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryField)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">");
        fields(b);
        b.Append("</form>");
    }

    private static void Problem(StringBuilder b, string? problem)
    {
        if (problem is not null)
        {
            b.Append("<p class=\"problem\" role=\"alert\">").Append(E(problem)).Append("</p>");
        }
    }

    private string Page(string title, Action<StringBuilder> body, string? id)
    {
        var b = new StringBuilder(2048);
        b.Append("<!DOCTYPE html><html lang=\"").Append(english ? "en" : "ja").Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">")
            .Append("<title>").Append(E(title)).Append(" — Miraie SafeMail</title><style>")
            // overflow-wrap: a long address (or any unbroken text) wraps instead of widening a phone's page past its screen
            .Append("body{font-family:system-ui,'Hiragino Sans','Yu Gothic',Meiryo,sans-serif;max-width:36rem;margin:0 auto;padding:1rem;line-height:1.6;color:#222;overflow-wrap:anywhere}")
            .Append("h1{font-size:1.3rem}label{display:block;margin-top:.8rem}input{font-size:1.1rem;width:100%;box-sizing:border-box;padding:.5rem}")
            .Append("button,.button{display:inline-block;margin-top:.8rem;font-size:1.05rem;padding:.6rem 1.2rem;background:#1a5fb4;color:#fff;border:0;border-radius:4px;text-decoration:none}")
            .Append(".files li{margin:.5rem 0;word-break:break-all}.files span{color:#666}.problem{color:#a51d2d;font-weight:bold}nav{text-align:right;font-size:.9rem}")
            .Append("</style></head><body><nav>");
        var here = id is null ? "" : "/d/" + id;
        b.Append(english ? $"<a href=\"{here}?lang=ja\" lang=\"ja\">日本語</a>" : $"<a href=\"{here}?lang=en\" lang=\"en\">English</a>");
        b.Append("</nav><h1>").Append(E(title)).Append("</h1>");
        body(b);
        b.Append("<footer><p><small>Miraie SafeMail</small></p></footer></body></html>");
        return b.ToString();
    }

    private static string E(string text) => Html.Encode(text);
}
