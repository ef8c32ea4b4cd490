using Miraie.SafeMail.Gateway.Passwords;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>Settings of held mail and approvals (<c>SafeMail:Waiting</c>); the durations themselves are in the policy's rules.</summary>
public sealed class WaitingOptions
{
    /// <summary>The settings section.</summary>
    public const string SectionName = "SafeMail:Waiting";

    /// <summary>Send the sender a notice when a message is held, with links to cancel or send it now (default off: the pane shows held mail).</summary>
    public bool NotifyHeld { get; set; }

    /// <summary>
    /// The console's address as people reach it (<c>https://safemail.example.co.jp</c>), for the links in notices; without
    /// it notices name the message id and the pane or console to use.
    /// </summary>
    public string? ConsoleUrl { get; set; }

    /// <summary>The From of approval requests and decision notices (default: the quarantine notices' sender).</summary>
    public string? NoticeFrom { get; set; }

    /// <summary>
    /// Who is asked by mail to decide when no approver could be found for a message (the console's admins, who may approve
    /// or reject any). Default none: such mail waits in the console's 承認待ち list and <c>safemail approvals list</c>.
    /// </summary>
    public List<string> AdminContacts { get; set; } = [];

    /// <summary>
    /// Microsoft Graph, to find a sender's manager for approvers <c>manager</c> (<c>GET /users/{sender}/manager</c>): an app
    /// registration with the application permission User.Read.All (it may be the password mail's registration, given
    /// again here). Set when TenantId or ClientId is set; otherwise <c>manager</c> finds nobody and an admin decides.
    /// The secret only through the environment (<c>SafeMail__Waiting__Graph__ClientSecret</c>). SaveToSentItems is not used here.
    /// </summary>
    public GraphSendOptions Graph { get; set; } = new();

    /// <summary>True when <see cref="Graph"/> names an app registration.</summary>
    public bool HasGraph => !string.IsNullOrWhiteSpace(Graph.TenantId) || !string.IsNullOrWhiteSpace(Graph.ClientId);
}
