using System.Security.Claims;
using Miraie.SafeMail.Storage.Accounts;

namespace Miraie.SafeMail.Web.Incidents;

/// <summary>
/// Who may do what with misdelivery reports in the console (ADR-020). Anyone signed in but an auditor reports: operators
/// and admins any message, a sender (Entra ID, no console role) only their own — <see cref="Gateway.Incidents.IncidentService"/>
/// decides, from <see cref="Waiting.WaitingAccess.ActorFor"/>. The incidents themselves — reporters' words, root causes —
/// are for console staff: operators and admins read and keep them, auditors read them; senders never see the list.
/// </summary>
public static class IncidentAccess
{
    /// <summary>True when the user may report a misdelivery (everyone signed in but auditors, who only read).</summary>
    public static bool MayReport(ClaimsPrincipal user) => !user.IsInRole(ConsoleRoles.Auditor);

    /// <summary>True when the user may write an incident's work log, root cause and corrective action, and close it.</summary>
    public static bool MayKeep(ClaimsPrincipal user) => user.IsInRole(ConsoleRoles.Operator) || user.IsInRole(ConsoleRoles.Admin);

    /// <summary>True for console staff, who see the incidents.</summary>
    public static bool MayRead(ClaimsPrincipal user) => ConsoleRoles.All.Any(user.IsInRole);
}
