using System.Buffers;
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
            for (var number = 0; ; number++)
            {
                byte[]? content;
                await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
                {
                    await using var select = connection.CreateCommand();
                    select.CommandText = "SELECT content FROM link_file_chunks WHERE link_id = @l AND ordinal = @o AND chunk = @c";
                    Sql.Add(select, "@l", linkId);
                    Sql.Add(select, "@o", file.Ordinal);
                    Sql.Add(select, "@c", number);
                    content = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
                }

                if (content is null)
                {
                    break;
                }

                await destination.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                written += content.Length;
            }
        }

        if (written != file.Size)
        {
            throw new InvalidDataException($"link {linkId} file {file.Ordinal}: {written} bytes stored, {file.Size} recorded");
        }
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
