using Miraie.SafeMail.Core.Protection;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Encryption;

/// <summary>The message with its attachments in one archive, and what the sender and the password mail need to know of it.</summary>
public sealed record EncryptedMessage(MessageContent Bytes, string ArchiveName, ZipEncryption Encryption, string Password, string Sha256,
    IReadOnlyList<string> Files);
