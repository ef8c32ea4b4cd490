using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Storage.Accounts;

/// <summary>The console's roles. Stored as these exact words.</summary>
public static class ConsoleRoles
{
    /// <summary>Reviews and acts on the quarantine.</summary>
    public const string Operator = "operator";
    /// <summary>Everything, including the policy and users.</summary>
    public const string Admin = "admin";
    /// <summary>Reads: the dashboard, the audit log and its export.</summary>
    public const string Auditor = "auditor";

    /// <summary>
    /// Not a console role: an employee signed in with Microsoft Entra ID who holds no console role. Reaches only their own
    /// held mail and the approvals naming them (ADR-017); never a local account's role, so not in <see cref="All"/>.
    /// </summary>
    public const string Sender = "sender";

    /// <summary>Every console role (the roles of local accounts and of console staff signing in with Entra ID).</summary>
    public static IReadOnlyList<string> All { get; } = [Operator, Admin, Auditor];

    /// <summary>The role in Japanese and English.</summary>
    public static LocalizedText Text(string role) => role switch
    {
        Operator => new("オペレーター", "operator"),
        Admin => new("管理者", "admin"),
        Auditor => new("監査担当", "auditor"),
        Sender => new("送信者・承認者", "sender / approver"),
        _ => new(role, role),
    };
}
