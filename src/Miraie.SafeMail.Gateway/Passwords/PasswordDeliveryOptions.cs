namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>How the password of an archive made by the Outlook add-in reaches the recipients (<c>SafeMail:PasswordDelivery</c>).</summary>
public sealed class PasswordDeliveryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:PasswordDelivery";

    /// <summary>
    /// <c>gateway</c> (default): once the message is delivered, the gateway sends each recipient a password mail;
    /// <c>graph</c>: the same, sent as the sender through Microsoft Graph <c>sendMail</c> (Microsoft 365);
    /// <c>pane</c>: nothing is sent automatically, the task pane shows the password and opens a prefilled password mail.
    /// </summary>
    public string Mode { get; set; } = "gateway";
}
