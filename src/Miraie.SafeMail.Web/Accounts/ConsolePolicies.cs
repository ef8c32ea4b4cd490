using Microsoft.AspNetCore.Authorization;
using Miraie.SafeMail.Storage.Accounts;

namespace Miraie.SafeMail.Web.Accounts;

/// <summary>Who may do what: every page names one of these, and the server enforces it.</summary>
public static class ConsolePolicies
{
    /// <summary>Any signed-in role: the dashboard.</summary>
    public const string Anyone = "anyone";
    /// <summary>Operators and admins: the quarantine and its actions.</summary>
    public const string Operators = "operators";
    /// <summary>Admins only: policy, users, original downloads.</summary>
    public const string Admins = "admins";
    /// <summary>Auditors and admins: the audit log and its export.</summary>
    public const string Auditors = "auditors";

    /// <summary>
    /// Console staff and senders (Entra ID users without a console role): held mail and approvals, where the pages narrow
    /// a sender to their own mail (ADR-017). Every other page stays closed to senders.
    /// </summary>
    public const string Waiting = "waiting";

    /// <summary>Registers the policies.</summary>
    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Anyone, p => p.RequireRole(ConsoleRoles.All));
        options.AddPolicy(Operators, p => p.RequireRole(ConsoleRoles.Operator, ConsoleRoles.Admin));
        options.AddPolicy(Admins, p => p.RequireRole(ConsoleRoles.Admin));
        options.AddPolicy(Auditors, p => p.RequireRole(ConsoleRoles.Auditor, ConsoleRoles.Admin));
        options.AddPolicy(Waiting, p => p.RequireRole([.. ConsoleRoles.All, ConsoleRoles.Sender]));
        // A page that forgot its attribute is still closed to anonymous users, and to senders.
        options.FallbackPolicy = options.GetPolicy(Anyone);
    }
}
