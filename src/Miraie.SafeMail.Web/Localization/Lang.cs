using System.Globalization;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway;

namespace Miraie.SafeMail.Web.Localization;

/// <summary>The one way pages write text: both languages side by side, picked by the request's culture.</summary>
public static class Lang
{
    /// <summary>True when the request is shown in Japanese.</summary>
    public static bool IsJapanese => LocalizedText.IsJapanese(CultureInfo.CurrentUICulture);

    /// <summary>The Japanese or the English text.</summary>
    public static string T(string ja, string en) => IsJapanese ? ja : en;

    private static readonly AsyncLocal<DisplayTime?> Zone = new();

    /// <summary>The zone of this request's times (<c>SafeMail:Console:TimeZone</c>), set with the language for each request.</summary>
    public static DisplayTime Clock
    {
        get => Zone.Value ?? DisplayTime.Default;
        set => Zone.Value = value;
    }

    /// <summary>A time in the console's zone, as Japanese offices write it, zone shown: <c>2026/11/27 14:05 JST</c>.</summary>
    public static string Time(DateTimeOffset at) => Clock.Format(at);
}
