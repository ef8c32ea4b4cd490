using System.Xml;
using System.Xml.Linq;
using Miraie.SafeMail.Core.Text;
using Npgsql;

namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>
/// Moves the data-protection key ring (<c>DATA/keys/*.xml</c>, as ASP.NET Core's file repository writes it) into
/// <c>data_protection_keys</c>, where every node reads it: without these keys the stored archive passwords could not be
/// decrypted and every console session would end. Each key keeps its name and its XML as it is (still encrypted with the
/// key certificate when one is set: the nodes need that certificate too).
/// </summary>
internal static class KeyRingCopier
{
    /// <summary>Copies the keys; returns each key's name and XML as written.</summary>
    public static async Task<Dictionary<string, string>> CopyAsync(string root, NpgsqlConnection target, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var folder = Path.Combine(root, "keys");
        if (!Directory.Exists(folder))
        {
            return keys;
        }

        foreach (var file in Directory.GetFiles(folder, "*.xml").Order(StringComparer.Ordinal))
        {
            XElement element;
            try
            {
                element = XElement.Load(file);
            }
            catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
            {
                throw new TransferException(TransferProblem.SourceDamaged, new LocalizedText(
                    $"データ保護キー {Path.GetFileName(file)} を読めません（{e.Message}）。何もコミットしていません",
                    $"the data-protection key {Path.GetFileName(file)} cannot be read ({e.Message}); nothing was committed"));
            }

            var name = Path.GetFileNameWithoutExtension(file);
            var xml = element.ToString(SaveOptions.DisableFormatting);
            await using var insert = target.CreateCommand();
            insert.CommandText = "INSERT INTO data_protection_keys (name, created_at, xml) VALUES (@name, @at, @xml)";
            Sql.Add(insert, "@name", name);
            Sql.Add(insert, "@at", new DateTimeOffset(File.GetLastWriteTimeUtc(file)).ToUnixTimeMilliseconds());
            Sql.Add(insert, "@xml", xml);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            keys[name] = xml;
        }

        return keys;
    }

    /// <summary>Checks that the target holds exactly the keys copied, with the same XML.</summary>
    public static async Task VerifyAsync(NpgsqlConnection target, IReadOnlyDictionary<string, string> expected, CancellationToken cancellationToken)
    {
        await using var select = target.CreateCommand();
        select.CommandText = "SELECT name, xml FROM data_protection_keys";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var seen = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            seen++;
            if (!expected.TryGetValue(reader.GetString(0), out var xml) || xml != reader.GetString(1))
            {
                seen = -1;
                break;
            }
        }

        if (seen != expected.Count)
        {
            throw new TransferException(TransferProblem.VerificationFailed, new LocalizedText(
                "PostgreSQL に保存したデータ保護キーが移行元と一致しません。何もコミットしていません",
                "the data-protection keys stored in PostgreSQL differ from the source's; nothing was committed"));
        }
    }
}
