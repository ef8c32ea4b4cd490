namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// How the entries of a password-protected ZIP are encrypted.
/// </summary>
public enum ZipEncryption
{
    /// <summary>
    /// WinZip AES-256 (AE-2). The default: strong, and opened by 7-Zip, WinZip, Lhaplus, Bandizip and most current
    /// archivers. Windows Explorer's built-in ZIP folder has long been unable to extract it.
    /// </summary>
    Aes256,

    /// <summary>
    /// Traditional PKWARE encryption. Weak (known-plaintext attacks recover the keys), offered only because the
    /// recipients' Windows Explorer or old unzip tools may open nothing else; the policy decides when to use it.
    /// </summary>
    ZipCrypto,
}
