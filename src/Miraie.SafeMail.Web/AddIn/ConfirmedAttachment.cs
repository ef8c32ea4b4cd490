namespace Miraie.SafeMail.Web.AddIn;

/// <summary>One confirmed attachment.</summary>
/// <param name="Name">Its file name (for the audit record).</param>
/// <param name="Sha256">The SHA-256 of its content, hex.</param>
public sealed record ConfirmedAttachment(string Name, string Sha256);
