using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>A message's bytes to append to the spool in the next batch. The content must stay valid until the batch completes.</summary>
/// <param name="Id">The queue id, written beside the bytes for forensics.</param>
/// <param name="Bytes">The message as received.</param>
/// <param name="KeepCopy">
/// On PostgreSQL, keep a copy in <see cref="RecentBytes"/> for this node's delivery of it (queued mail); false for mail
/// that is not delivered now (held, awaiting approval), which would only crowd out the copies delivery can use.
/// </param>
public sealed record SpooledBytes(string Id, MessageContent Bytes, bool KeepCopy = true);
