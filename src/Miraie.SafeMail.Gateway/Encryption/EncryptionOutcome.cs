using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Gateway.Encryption;

/// <summary>Either the new message or why there is none (in both languages).</summary>
public sealed record EncryptionOutcome(EncryptedMessage? Message, LocalizedText? Problem);
