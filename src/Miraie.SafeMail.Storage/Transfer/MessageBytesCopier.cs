using System.Text;
using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage.Messages;
using Npgsql;
using NpgsqlTypes;

namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>
/// Moves the bytes of every message that still has them — queued mail in the spool's segments, quarantined and
/// gateway-made mail in files of their own — into <c>message_bytes</c>, streamed (one message at a time, never whole in
/// memory) and hashed on the way; then checks PostgreSQL's own SHA-256 of each stored value against it. Finished mail has
/// no bytes on either provider. A message whose bytes are missing, short or not where its record says stops the move,
/// named by its id: moving its record without them would turn a held message into one nobody can deliver or release.
/// </summary>
internal static class MessageBytesCopier
{
    /// <summary>Copies the bytes; returns each message's size and SHA-256 as read from the source.</summary>
    public static async Task<Dictionary<string, (long Size, byte[] Sha256)>> CopyAsync(SqliteConnection source, SqliteTransaction read, string root,
        NpgsqlConnection target, CancellationToken cancellationToken)
    {
        var copied = new Dictionary<string, (long, byte[])>(StringComparer.Ordinal);
        await using var select = source.CreateCommand();
        select.Transaction = read;
        select.CommandText = """
            SELECT id, state, received_at, size, segment, segment_offset, file_path FROM messages
            WHERE state IN (@queued, @held, @awaiting, @quarantined) ORDER BY received_at, id
            """;
        select.Parameters.AddWithValue("@queued", MessageState.Queued);
        select.Parameters.AddWithValue("@held", MessageState.Held);
        select.Parameters.AddWithValue("@awaiting", MessageState.AwaitingApproval);
        select.Parameters.AddWithValue("@quarantined", MessageState.Quarantined);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var importer = await target.BeginBinaryImportAsync("COPY message_bytes (message_id, created_at, content) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        importer.Timeout = Timeout.InfiniteTimeSpan;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            var size = reader.GetInt64(3);
            await using var content = Open(root, id, reader.GetString(1), size,
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? 0 : reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6));
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(reader.GetInt64(2), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            try
            {
                await importer.WriteAsync<Stream>(content, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                copied[id] = (size, content.Sha256());
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                throw Damaged(id, $"本文を読めません: {e.Message}", $"its bytes cannot be read: {e.Message}");
            }
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return copied;
    }

    /// <summary>Checks what PostgreSQL stored (its own length and SHA-256 of each value) against what was read.</summary>
    public static async Task VerifyAsync(NpgsqlConnection target, IReadOnlyDictionary<string, (long Size, byte[] Sha256)> expected, CancellationToken cancellationToken)
    {
        await using var select = target.CreateCommand();
        select.CommandTimeout = 0;
        select.CommandText = "SELECT message_id, length(content), sha256(content) FROM message_bytes";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var seen = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            if (!expected.TryGetValue(id, out var source) || reader.GetInt32(1) != source.Size || !reader.GetFieldValue<byte[]>(2).AsSpan().SequenceEqual(source.Sha256))
            {
                throw new TransferException(TransferProblem.VerificationFailed, new LocalizedText(
                    $"メール {id} の本文が、移行元から読んだものと一致しません（サイズまたは SHA-256）。何もコミットしていません",
                    $"the bytes of message {id} stored in PostgreSQL differ from those read from the source (size or SHA-256); nothing was committed"));
            }

            seen++;
        }

        if (seen != expected.Count)
        {
            throw new TransferException(TransferProblem.VerificationFailed, new LocalizedText(
                $"PostgreSQL に保存されたメール本文は {seen}件で、移行元の {expected.Count}件と一致しません。何もコミットしていません",
                $"PostgreSQL holds the bytes of {seen} messages, the source {expected.Count}; nothing was committed"));
        }
    }

    /// <summary>Opens one message's bytes where its record says they are, after checking they can be what the record says.</summary>
    private static HashingSlice Open(string root, string id, string state, long size, string? segment, long offset, string? filePath)
    {
        string path;
        try
        {
            if (filePath is not null)
            {
                path = Inside(root, filePath, id);
                var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                if (file.Length != size)
                {
                    file.Dispose();
                    throw Damaged(id, $"ファイル {filePath} は {file.Length} バイトで、記録の {size} バイトと違います",
                        $"its file {filePath} holds {file.Length} bytes, its record says {size}");
                }

                return new HashingSlice(file, 0, size);
            }

            if (segment is not null)
            {
                path = Path.Combine(root, "spool", Path.GetFileName(segment));
                var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                // Each message in a segment follows a line naming it ("#SafeMail ID SIZE"): a record pointing at the wrong
                // place, or a segment cut short or overwritten there, is caught before a byte is moved.
                var header = Encoding.ASCII.GetBytes(FormattableString.Invariant($"#SafeMail {id} {size}\r\n"));
                var found = new byte[header.Length];
                if (offset < header.Length || offset + size > file.Length)
                {
                    file.Dispose();
                    throw Damaged(id, $"配送キューのセグメント {segment} が記録より短くなっています", $"the spool segment {segment} is shorter than its record says");
                }

                file.Position = offset - header.Length;
                file.ReadExactly(found);
                if (!found.AsSpan().SequenceEqual(header))
                {
                    file.Dispose();
                    throw Damaged(id, $"配送キューのセグメント {segment} の位置 {offset} にこのメールがありません",
                        $"the spool segment {segment} does not hold this message at offset {offset}");
                }

                return new HashingSlice(file, offset, size);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Damaged(id, $"本文のファイルがありません（{filePath ?? "spool/" + segment}）", $"its bytes are missing ({filePath ?? "spool/" + segment})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Damaged(id, $"本文を読めません: {e.Message}", $"its bytes cannot be read: {e.Message}");
        }

        throw Damaged(id, $"{MessageState.Text(state).Ja}ですが本文の記録がありません", $"it is {state} but its record names no bytes");
    }

    private static string Inside(string root, string relativePath, string id)
    {
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        if (Path.IsPathRooted(relativePath) || !full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw Damaged(id, $"本文のパスがデータフォルダーの外を指しています: {relativePath}", $"its file path leaves the data directory: {relativePath}");
        }

        return full;
    }

    private static TransferException Damaged(string id, string ja, string en) => new(TransferProblem.SourceDamaged, new LocalizedText(
        $"メール {id} を移行できません: {ja}。何もコミットしていません（移行元を確認するか、バックアップから戻してください）",
        $"cannot move message {id}: {en}; nothing was committed (check the source, or restore it from a backup)"));
}
