namespace Miraie.SafeMail.Web.Accounts;

/// <summary>
/// Microsoft Entra ID sign-in for the console (<c>SafeMail:Console:EntraId</c>), beside local accounts: OpenID Connect
/// authorization code flow for the console's own app registration (a web platform with the redirect URI
/// <c>https://CONSOLE/signin-oidc</c>). The console role comes from the Entra app roles in the ID token's <c>roles</c>
/// claim; a user with none of the mapped roles is refused. Absent: local accounts only.
/// </summary>
public sealed class EntraSignInOptions
{
    /// <summary>The sign-in cloud. Default https://login.microsoftonline.com/ (global Azure); HTTPS only.</summary>
    public string Instance { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>The directory (tenant) ID, a GUID. Required: only that tenant's users sign in (the tid claim must match).</summary>
    public string? TenantId { get; set; }

    /// <summary>The console's app registration, its application (client) ID, a GUID. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// The registration's client secret, used to redeem the authorization code. Required, and read from the environment
    /// only (<c>SafeMail__Console__EntraId__ClientSecret</c>): a settings file that holds it is refused at start.
    /// </summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The redirect URI registered in Entra ID, HTTPS, ending in <c>/signin-oidc</c>, e.g.
    /// <c>https://safemail.example.co.jp/signin-oidc</c>. Needed behind a TLS reverse proxy, where the console itself is
    /// reached over plain HTTP on loopback. Default none: built from each request's scheme and host.
    /// </summary>
    public string? RedirectUri { get; set; }

    /// <summary>
    /// The longest an Entra ID session lasts however active it is; then the user signs in again (usually without a
    /// prompt) and the roles are read afresh — so a role removed in Entra ID applies within this time. Default 08:00:00.
    /// </summary>
    public TimeSpan MaxSessionAge { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The app role value that makes a user a console admin. Default <c>SafeMail.Admin</c>.</summary>
    public string AdminRole { get; set; } = "SafeMail.Admin";

    /// <summary>The app role value that makes a user a console operator. Default <c>SafeMail.Operator</c>.</summary>
    public string OperatorRole { get; set; } = "SafeMail.Operator";

    /// <summary>The app role value that makes a user a console auditor. Default <c>SafeMail.Auditor</c>.</summary>
    public string AuditorRole { get; set; } = "SafeMail.Auditor";

    /// <summary>
    /// Let users of the tenant who hold no console role sign in as senders and approvers (role <c>sender</c>, ADR-017): they
    /// reach only their own held mail and the approvals naming them, identified by their sign-in address. Default true, so
    /// the links in hold notices and approval requests work for every employee; false refuses them as before.
    /// </summary>
    public bool AdmitSenders { get; set; } = true;

    /// <summary>
    /// The app role that admits a user as a sender when <see cref="AdmitSenders"/> is on (e.g. <c>SafeMail.Sender</c>).
    /// Default none: every user of the tenant without a console role is admitted as a sender.
    /// </summary>
    public string? SenderRole { get; set; }

    /// <summary>
    /// The session role for the app roles a user holds: a console role (<see cref="ConsoleRoleFor"/>), else
    /// <c>sender</c> when senders are admitted (and hold <see cref="SenderRole"/> when it is set), else null (refused).
    /// </summary>
    public string? SessionRoleFor(IEnumerable<string> appRoles)
    {
        var held = appRoles.ToList();
        return ConsoleRoleFor(held)
               ?? (AdmitSenders && (string.IsNullOrEmpty(SenderRole) || held.Contains(SenderRole, StringComparer.Ordinal)) ? Storage.Accounts.ConsoleRoles.Sender : null);
    }

    /// <summary>
    /// The console role for the app roles a user holds, or null when none is mapped (the user is refused, never given a
    /// default). Several mapped roles: the widest wins (admin, then operator, then auditor); the console has one role per
    /// session, and admin covers the other two.
    /// </summary>
    public string? ConsoleRoleFor(IEnumerable<string> appRoles)
    {
        var held = appRoles.ToHashSet(StringComparer.Ordinal);
        return held.Contains(AdminRole) ? Storage.Accounts.ConsoleRoles.Admin
            : held.Contains(OperatorRole) ? Storage.Accounts.ConsoleRoles.Operator
            : held.Contains(AuditorRole) ? Storage.Accounts.ConsoleRoles.Auditor
            : null;
    }
}
