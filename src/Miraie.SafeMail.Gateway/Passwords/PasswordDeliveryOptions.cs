namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>How the password of an archive made by the Outlook add-in reaches the recipients (<c>SafeMail:PasswordDelivery</c>).</summary>
public sealed class PasswordDeliveryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:PasswordDelivery";

    /// <summary>The gateway sends each delivered recipient a password mail.</summary>
    public const string GatewayMode = "gateway";

    /// <summary>Microsoft Graph sends it as the sender.</summary>
    public const string GraphMode = "graph";

    /// <summary>The sender sends it from the task pane's prefilled mail.</summary>
    public const string PaneMode = "pane";

    /// <summary>
    /// <c>gateway</c> (default): once the message is delivered, the gateway sends each recipient a password mail;
    /// <c>graph</c>: the same, sent as the sender through Microsoft Graph <c>sendMail</c> (Microsoft 365);
    /// <c>pane</c>: nothing is sent automatically, the task pane shows the password and opens a prefilled password mail.
    /// </summary>
    public string Mode { get; set; } = GatewayMode;

    /// <summary>The password mail's language: <c>ja-en</c> (Japanese, then English; default), <c>ja</c> or <c>en</c>.</summary>
    public string Language { get; set; } = "ja-en";

    /// <summary>
    /// How long a password is kept for a message that has not been delivered yet (quarantined, never sent); then it is
    /// erased and the message, if released later, goes without one. Default 30 days, the quarantine's default retention.
    /// </summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Microsoft Graph, for <see cref="Mode"/> <c>graph</c>.</summary>
    public GraphSendOptions Graph { get; set; } = new();
}
