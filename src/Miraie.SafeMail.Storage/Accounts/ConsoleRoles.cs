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

    /// <summary>Every role.</summary>
    public static IReadOnlyList<string> All { get; } = [Operator, Admin, Auditor];

    /// <summary>The role in Japanese and English.</summary>
    public static LocalizedText Text(string role) => role switch
    {
        Operator => new("オペレーター", "operator"),
        Admin => new("管理者", "admin"),
        Auditor => new("監査担当", "auditor"),
        _ => new(role, role),
    };
}
