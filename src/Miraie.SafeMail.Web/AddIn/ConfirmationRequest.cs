namespace Miraie.SafeMail.Web.AddIn;

/// <summary>What the task pane confirmed: every recipient (To, Cc, Bcc) and the SHA-256 of every attachment.</summary>
public sealed class ConfirmationRequest
{
    /// <summary>Recipient addresses.</summary>
    public List<string> Recipients { get; set; } = [];

    /// <summary>Attachments as sent (after any encryption): name and SHA-256 (hex).</summary>
    public List<ConfirmedAttachment> Attachments { get; set; } = [];
}
