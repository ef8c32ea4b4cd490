namespace Miraie.SafeMail.Core.Policy;

/// <summary>How a recipient domain receives files (送り方), for rules with action <see cref="PolicyAction.ByDomain"/> and for the add-in.</summary>
public enum FileDeliveryMode
{
    /// <summary>In a password-protected ZIP, the password in a separate mail (PPAP).</summary>
    Zip,
    /// <summary>As a download link (ダウンロードリンク).</summary>
    Link,
    /// <summary>As they are: this domain may receive files unprotected.</summary>
    Plain,
    /// <summary>Not at all: mail with files to this domain is quarantined.</summary>
    Block,
}
