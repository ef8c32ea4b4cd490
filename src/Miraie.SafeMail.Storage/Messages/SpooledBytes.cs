using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>A message's bytes to append to the spool in the next batch. The content must stay valid until the batch completes.</summary>
/// <param name="Id">The queue id, written beside the bytes for forensics.</param>
/// <param name="Bytes">The message as received.</param>
public sealed record SpooledBytes(string Id, MessageContent Bytes);
