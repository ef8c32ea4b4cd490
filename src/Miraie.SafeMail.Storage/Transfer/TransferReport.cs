namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>What a move into PostgreSQL committed, every figure verified against the source before the commit.</summary>
/// <param name="Tables">Each table with its rows, in the order copied.</param>
/// <param name="Messages">Messages whose bytes were moved (queued and quarantined mail).</param>
/// <param name="Bytes">Their total size.</param>
/// <param name="Keys">Data-protection keys moved (archive passwords, console sessions).</param>
/// <param name="Elapsed">How long it took, from the lock to the commit.</param>
public sealed record TransferReport(IReadOnlyList<TableCount> Tables, int Messages, long Bytes, int Keys, TimeSpan Elapsed);
