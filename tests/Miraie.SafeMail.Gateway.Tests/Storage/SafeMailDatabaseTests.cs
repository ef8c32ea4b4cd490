using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Gateway.Tests.Storage;

/// <summary>Upgrades: migrations apply once at start; a rollback to an older program on an upgraded database is refused by name.</summary>
public class SafeMailDatabaseTests
{
    private string _data = null!;

    [SetUp]
    public void SetUp() => _data = Directory.CreateTempSubdirectory("safemail-db-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_data, recursive: true);

    [Test]
    public async Task Migrating_twice_applies_each_migration_once()
    {
        var database = SafeMailDatabase.For(_data);
        await database.MigrateAsync();
        await database.MigrateAsync();

        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_version";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        reader.GetInt64(0).Should().BePositive().And.Be(reader.GetInt64(1));
    }

    [Test]
    public async Task An_older_program_refuses_a_database_a_newer_version_upgraded()
    {
        var database = SafeMailDatabase.For(_data);
        await database.MigrateAsync();
        await using (var connection = await database.OpenAsync())
        await using (var newer = connection.CreateCommand())
        {
            newer.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES (9999, 0)";
            await newer.ExecuteNonQueryAsync();
        }

        var refused = await FluentActions.Awaiting(() => database.MigrateAsync()).Should().ThrowAsync<SettingsException>();
        refused.Which.Errors.Should().ContainSingle().Which.Should()
            .StartWith("SafeMail:Gateway:DataDirectory: ").And.Contain("schema 9999").And.Contain("restore the backup taken before the upgrade");
    }
}
