namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>What a sequence of OpenPGP packets amounts to.</summary>
internal enum OpenPgpContent
{
    /// <summary>Not a well-formed packet sequence (or one this reader does not accept as a message).</summary>
    Invalid,
    /// <summary>One or more encrypted session keys (public-key or password) followed by exactly one encrypted data packet.</summary>
    Encrypted,
    /// <summary>Signature packets only (a detached signature).</summary>
    SignatureOnly,
    /// <summary>Well-formed packets that are not encrypted: a signed or compressed message, keys.</summary>
    NotEncrypted,
}
