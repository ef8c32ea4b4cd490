using System.Buffers;
using System.Data;
using System.Security.Cryptography;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Storage.Links;

/// <summary>
/// Where the files of download links are kept, by provider: SQLite (one node), files under <c>DATA/links/</c> written
/// durably; PostgreSQL (any number of nodes), rows of <c>link_file_chunks</c> of 1 MiB each, so that whichever node
/// serves the page can stream a file a few chunks at a time without holding a connection, or the file, for the whole
/// download. Files are stored before their link's record is committed; a link whose record never came is swept with
/// its message.
/// </summary>
public sealed class LinkFileStore(SafeMailDatabase database, SpoolStore spool)
{
    /// <summary>The size of one stored chunk (PostgreSQL).</summary>
    public const int ChunkSize = 1024 * 1024;

    private const string Folder = "links";

    /// <summary>Stores the files (decoded content, read once from each stream) and returns them as the link will list them.</summary>
    public async Task<IReadOnlyList<LinkFile>> SaveAsync(string linkId, IReadOnlyList<(string Name, string ContentType, Stream Content)> files,
        CancellationToken cancellationToken = default)
    {
        var saved = new List<LinkFile>(files.Count);
        if (database.Provider != DatabaseProvider.PostgreSql)
        {
            for (var i = 0; i < files.Count; i++)
            {
                var (name, type, content) = files[i];
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                long size = 0;
                var path = await Task.Run(() => spool.WriteNamedFile(Folder, $"{linkId}-{i + 1}", output =>
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(81920);
                    try
                    {
                        int read;
                        while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
                        {
                            hash.AppendData(buffer, 0, read);
                            output.Write(buffer, 0, read);
                            size += read;
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }), cancellationToken).ConfigureAwait(false);
                saved.Add(new LinkFile(i + 1, name, type, size, Convert.ToHexStringLower(hash.GetHashAndReset()), path));
            }

            return saved;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var chunk = new byte[ChunkSize];
        for (var i = 0; i < files.Count; i++)
        {
            var (name, type, content) = files[i];
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            for (var number = 0; ; number++)
            {
                var length = await content.ReadAtLeastAsync(chunk, chunk.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (length == 0 && number > 0)
                {
                    break;
                }

                hash.AppendData(chunk, 0, length);
                size += length;
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO link_file_chunks (link_id, ordinal, chunk, content) VALUES (@l, @o, @c, @b)";
                Sql.Add(insert, "@l", linkId);
                Sql.Add(insert, "@o", i + 1);
                Sql.Add(insert, "@c", number);
                Sql.Add(insert, "@b", chunk.AsMemory(0, length).ToArray());
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (length < chunk.Length)
                {
                    break;
                }
            }

            saved.Add(new LinkFile(i + 1, name, type, size, Convert.ToHexStringLower(hash.GetHashAndReset()), null));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return saved;
    }

    /// <summary>Writes a stored file to <paramref name="destination"/> as it was attached, a chunk at a time.</summary>
    /// <exception cref="InvalidDataException">The stored file is missing or not the size recorded.</exception>
    public async Task CopyToAsync(string linkId, LinkFile file, Stream destination, CancellationToken cancellationToken = default)
    {
        long written = 0;
        if (file.Path is { } path)
        {
            await using var stream = spool.OpenFile(path);
            await stream.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            written = stream.Length;
        }
        else
        {
            // Each chunk is read into a pooled buffer through the connection's own small buffer (sequential access), the
            // connection goes back to the pool, then the chunk is written to the (maybe slow) client. Read whole, as
            // ExecuteScalar does, every chunk was a new 1 MiB array plus an oversize buffer of Npgsql's, per download
            // at once: 100 concurrent downloads of a 20 MB file took the gateway from 282 to 731 MiB (benchmarks.md, issue 14).
            var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                for (var number = 0; ; number++)
                {
                    var length = await ReadChunkAsync(linkId, file.Ordinal, number, chunk, cancellationToken).ConfigureAwait(false);
                    if (length < 0)
                    {
                        break;
                    }

                    await destination.WriteAsync(chunk.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    written += length;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        if (written != file.Size)
        {
            throw new InvalidDataException($"link {linkId} file {file.Ordinal}: {written} bytes stored, {file.Size} recorded");
        }
    }

    /// <summary>Reads one stored chunk into <paramref name="buffer"/> (at least <see cref="ChunkSize"/> long); its length, or -1 when there is none.</summary>
    private async Task<int> ReadChunkAsync(string linkId, int ordinal, int number, byte[] buffer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT content FROM link_file_chunks WHERE link_id = @l AND ordinal = @o AND chunk = @c";
        Sql.Add(select, "@l", linkId);
        Sql.Add(select, "@o", ordinal);
        Sql.Add(select, "@c", number);
        await using var reader = await select.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return -1;
        }

        await using var content = reader.GetStream(0);
        var length = await content.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (length == ChunkSize && await content.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0)
        {
            throw new InvalidDataException($"link {linkId} file {ordinal}: chunk {number} is larger than {ChunkSize} bytes");
        }

        return length;
    }

    /// <summary>Deletes a link's files (SQLite; on PostgreSQL <see cref="LinkTable.MarkPurgedAsync"/> deletes the chunks).</summary>
    public void Delete(LinkRecord link)
    {
        foreach (var file in link.Files.Where(f => f.Path is not null))
        {
            spool.DeleteFile(file.Path!);
        }
    }
}
