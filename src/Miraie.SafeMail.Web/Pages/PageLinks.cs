namespace Miraie.SafeMail.Web.Pages;

/// <summary>Links that keep a list page's filters.</summary>
public static class PageLinks
{
    /// <summary><paramref name="path"/> with the request's query string, its <c>page</c> replaced by <paramref name="page"/>.</summary>
    public static string Page(HttpRequest request, string path, int page)
    {
        var query = request.Query.Where(q => q.Key != "page").SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}"));
        return path + "?" + string.Join('&', query.Append($"page={page}"));
    }
}
