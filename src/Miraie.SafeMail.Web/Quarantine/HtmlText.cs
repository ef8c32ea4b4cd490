using System.Text;
using MimeKit.Text;

namespace Miraie.SafeMail.Web.Quarantine;

/// <summary>
/// The text of an HTML body, for showing as plain text: MimeKit's tokenizer reads the HTML (entities decoded),
/// script and style contents are dropped, block elements become line breaks. Nothing of the HTML is ever rendered.
/// </summary>
public static class HtmlText
{
    private static readonly HashSet<HtmlTagId> Breaks =
    [
        HtmlTagId.Br, HtmlTagId.P, HtmlTagId.Div, HtmlTagId.TR, HtmlTagId.LI, HtmlTagId.H1, HtmlTagId.H2, HtmlTagId.H3,
        HtmlTagId.H4, HtmlTagId.H5, HtmlTagId.H6, HtmlTagId.Table, HtmlTagId.BlockQuote, HtmlTagId.HR,
    ];

    /// <summary>The text of <paramref name="html"/>.</summary>
    public static string Convert(string html)
    {
        var text = new StringBuilder();
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var skipping = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head:
                    skipping += tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1;
                    skipping = Math.Max(0, skipping);
                    break;
                case HtmlTagToken tag when Breaks.Contains(tag.Id):
                    text.Append('\n');
                    break;
                case HtmlDataToken data when skipping == 0 && token.Kind != HtmlTokenKind.ScriptData:
                    text.Append(data.Data);
                    break;
            }
        }

        return text.ToString().Trim();
    }
}
