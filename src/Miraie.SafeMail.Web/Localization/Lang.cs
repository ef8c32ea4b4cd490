using System.Globalization;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Web.Localization;

/// <summary>The one way pages write text: both languages side by side, picked by the request's culture.</summary>
public static class Lang
{
    /// <summary>True when the request is shown in Japanese.</summary>
    public static bool IsJapanese => LocalizedText.IsJapanese(CultureInfo.CurrentUICulture);

    /// <summary>The Japanese or the English text.</summary>
    public static string T(string ja, string en) => IsJapanese ? ja : en;

    /// <summary>A time in the server's local zone, as Japanese offices write it.</summary>
    public static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);
}
