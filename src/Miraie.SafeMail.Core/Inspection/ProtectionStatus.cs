namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Whether content can be read without a password (PRODUCT.md, "Protected" and "Unknown").</summary>
public enum ProtectionStatus
{
    /// <summary>The content cannot be read without a password (for a container: everything inside is protected).</summary>
    Protected,
    /// <summary>The content can be read by anyone who receives it.</summary>
    NotProtected,
    /// <summary>The content could not be identified or fully inspected. Never counts as protected.</summary>
    Unknown,
}
