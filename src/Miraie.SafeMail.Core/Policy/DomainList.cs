using System.Globalization;

namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// A list of domains as the policy writes them: <c>example.co.jp</c> exactly, <c>*.example.co.jp</c> for its
/// subdomains. Comparison is on the ASCII (punycode) form, lower case, so 例え.jp and xn--r8jz45g.jp are one domain.
/// </summary>
public sealed class DomainList
{
    private static readonly IdnMapping Idn = new();
    private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
    private readonly List<string> _suffixes = [];

    /// <summary>Builds the list; entries must already be valid (see <see cref="TryNormalize"/>).</summary>
    public DomainList(IEnumerable<string> entries)
    {
        foreach (var entry in entries)
        {
            var trimmed = entry.Trim();
            if (trimmed.StartsWith("*.", StringComparison.Ordinal) && TryNormalize(trimmed[2..], out var parent))
            {
                _suffixes.Add("." + parent);
            }
            else if (TryNormalize(trimmed, out var exact))
            {
                _exact.Add(exact);
            }
        }
    }

    /// <summary>True when the domain of <paramref name="address"/> (or a bare domain) is in the list.</summary>
    public bool Contains(string address)
    {
        var at = address.LastIndexOf('@');
        var domain = at >= 0 ? address[(at + 1)..] : address;
        if (!TryNormalize(domain, out var normalized))
        {
            return false;
        }

        return _exact.Contains(normalized) || _suffixes.Any(s => normalized.EndsWith(s, StringComparison.Ordinal));
    }

    /// <summary>Lower-case ASCII form of a domain; false for anything that is not a syntactically valid domain name.</summary>
    public static bool TryNormalize(string domain, out string normalized)
    {
        normalized = "";
        var trimmed = domain.Trim().TrimEnd('.');
        if (trimmed.Length == 0 || trimmed.Length > 253 || trimmed.Any(c => char.IsWhiteSpace(c) || c is '@' or '/' or ':' or '*'))
        {
            return false;
        }

        try
        {
            var ascii = Idn.GetAscii(trimmed).ToLowerInvariant();
            if (ascii.Split('.').Any(label => label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-')
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
            {
                return false;
            }

            normalized = ascii;
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
