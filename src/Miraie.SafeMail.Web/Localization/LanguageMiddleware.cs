using System.Globalization;

namespace Miraie.SafeMail.Web.Localization;

/// <summary>
/// Japanese or English for each request: the language switch's cookie if set, else the browser's Accept-Language
/// (Japanese when it prefers ja), else Japanese — our users read it first. Times follow the console's zone (<see cref="Lang.Clock"/>).
/// </summary>
public sealed class LanguageMiddleware(RequestDelegate next)
{
    /// <summary>The cookie the switch sets.</summary>
    public const string CookieName = "safemail-lang";

    private static readonly CultureInfo Japanese = CultureInfo.GetCultureInfo("ja-JP");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    /// <summary>Sets the culture for the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        var culture = Choose(context.Request) ? Japanese : English;
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        Lang.Clock = context.RequestServices.GetRequiredService<Gateway.DisplayTime>();
        return next(context);
    }

    private static bool Choose(HttpRequest request)
    {
        if (request.Cookies.TryGetValue(CookieName, out var chosen) && chosen is "ja" or "en")
        {
            return chosen == "ja";
        }

        var accept = request.GetTypedHeaders().AcceptLanguage;
        if (accept.Count == 0)
        {
            return true;
        }

        var best = accept.OrderByDescending(l => l.Quality ?? 1).First().Value.Value ?? "";
        return best.StartsWith("ja", StringComparison.OrdinalIgnoreCase) || best == "*";
    }
}
