namespace Miraie.SafeMail.Web.AddIn;

/// <summary>
/// Microsoft Entra ID for the add-in API (<c>SafeMail:AddIn:EntraId</c>): the pane gets a token for the add-in's app
/// registration through Nested App Authentication and sends it as <c>Authorization: Bearer</c>; the sender is the
/// token's user. Absent: the API signs nothing (501) unless development mode is on.
/// </summary>
public sealed class EntraIdOptions
{
    /// <summary>The <see cref="TenantId"/> that admits users of any work or school tenant (multi-tenant, explicit).</summary>
    public const string Organizations = "organizations";

    /// <summary>The sign-in cloud. Default https://login.microsoftonline.com/ (global Azure); HTTPS only.</summary>
    public string Instance { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>
    /// The directory (tenant) ID, a GUID: only that tenant's users are admitted (the tid claim must match). Set
    /// <c>organizations</c> to admit every work or school tenant — only for a service that hosts several companies.
    /// </summary>
    public string? TenantId { get; set; }

    /// <summary>
    /// The add-in's app registration (application ID, a GUID): the tokens' audience. Tokens for the GUID and for
    /// <c>api://GUID</c> are accepted.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// A further audience when the registration's Application ID URI is not <c>api://ClientId</c>, e.g.
    /// <c>api://safemail.example.co.jp/GUID</c>. Default none.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>True when any work or school tenant is admitted (<see cref="TenantId"/> is <c>organizations</c>).</summary>
    public bool AdmitsEveryTenant() => string.Equals(TenantId, Organizations, StringComparison.OrdinalIgnoreCase);

    /// <summary>The audiences a token may be issued for.</summary>
    public IReadOnlyList<string> Audiences() =>
        new[] { ClientId, "api://" + ClientId, Audience }.OfType<string>().Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList();
}
