using System.Globalization;

namespace Miraie.SafeMail.Core.Text;

/// <summary>
/// A user-facing sentence in both product languages. Japanese comes first because our users read it first;
/// every string a person sees is built as one of these so that no screen or mail can exist in one language only.
/// </summary>
/// <param name="Ja">Polite business Japanese (です・ます), using the product glossary's terms.</param>
/// <param name="En">The English text.</param>
public sealed record LocalizedText(string Ja, string En)
{
    /// <summary>Picks the language for <paramref name="culture"/>: Japanese for any <c>ja</c> culture, English otherwise.</summary>
    public string For(CultureInfo culture) => IsJapanese(culture) ? Ja : En;

    /// <summary>Picks the language for the current UI culture.</summary>
    public override string ToString() => For(CultureInfo.CurrentUICulture);

    /// <summary>True when <paramref name="culture"/> is Japanese (ja, ja-JP, …).</summary>
    public static bool IsJapanese(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName.Equals("ja", StringComparison.OrdinalIgnoreCase);
}
