using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Gateway;

/// <summary>
/// The data-protection key ring in PostgreSQL's <c>data_protection_keys</c>, so that every node of a cluster uses the same
/// keys: an archive password stored by one node can be read by the node that sends its password mail, and a console cookie
/// or antiforgery token issued by one node is accepted by another behind the load balancer. Key XML is stored as data
/// protection hands it over (already encrypted when a key certificate is set). Data protection calls this rarely (at
/// start, when a key is made, when the ring is refreshed) and synchronously; it waits on the database here. Its first call
/// comes from data protection's own hosted service, before the gateway's startup migrates: the schema is brought up to
/// date here first (idempotent, under the migration lock), so a first start on an empty database reads an empty ring
/// instead of failing on a missing table.
/// </summary>
internal sealed class DatabaseKeyRepository(SafeMailDatabase database) : IXmlRepository
{
    private Task? _schema;

    /// <inheritdoc/>
    public IReadOnlyCollection<XElement> GetAllElements() => Task.Run(async () =>
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT xml FROM data_protection_keys ORDER BY created_at, name";
        var elements = new List<XElement>();
        await using var reader = await select.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return (IReadOnlyCollection<XElement>)elements;
    }).GetAwaiter().GetResult();

    /// <inheritdoc/>
    public void StoreElement(XElement element, string friendlyName) => Task.Run(async () =>
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO data_protection_keys (name, created_at, xml) VALUES (@name, @at, @xml) ON CONFLICT (name) DO NOTHING";
        Sql.Add(insert, "@name", friendlyName);
        Sql.Add(insert, "@at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Sql.Add(insert, "@xml", element.ToString(SaveOptions.DisableFormatting));
        await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
    }).GetAwaiter().GetResult();

    /// <summary>Migrates once per process; a failure (the database down at start) is tried again on the next call.</summary>
    private async Task EnsureSchemaAsync()
    {
        var schema = _schema ??= database.MigrateAsync();
        try
        {
            await schema.ConfigureAwait(false);
        }
        catch
        {
            _ = Interlocked.CompareExchange(ref _schema, null, schema);
            throw;
        }
    }
}
