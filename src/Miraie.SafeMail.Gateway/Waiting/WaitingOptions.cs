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
}
