using Microsoft.AspNetCore.Html;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Web.Quarantine;

/// <summary>
/// A rule as the console shows it: what it is for in the reader's language (<see cref="RuleTexts"/>), and for admins —
/// who edit the policy and read logs — its id beside it in small text. Operators and auditors see the words only.
/// </summary>
public static class RuleLabel
{
    /// <summary>The description, HTML-encoded, with the id for admins.</summary>
    public static IHtmlContent Html(string rule, IReadOnlyList<PolicyRule> rules, bool admin)
    {
        var html = new HtmlContentBuilder();
        html.Append(DisplayText.Inert(RuleTexts.Describe(rule, rules).ToString()));
        if (admin)
        {
            html.AppendHtml(" <small class=\"muted rule-id\">");
            html.Append(rule);
            html.AppendHtml("</small>");
        }

        return html;
    }

    /// <summary>The description as plain text, with the id in brackets for admins (for option lists and titles).</summary>
    public static string Text(string rule, IReadOnlyList<PolicyRule> rules, bool admin) =>
        DisplayText.Inert(RuleTexts.Describe(rule, rules).ToString()) + (admin ? $" [{rule}]" : "");
}
