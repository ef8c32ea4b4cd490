using System.Net;
using Miraie.SafeMail.Gateway.Tests.Support;
using Npgsql;

namespace Miraie.SafeMail.Gateway.Tests.Observability;

/// <summary>
/// On PostgreSQL, ready means the server gives this node a connection and answers a trivial query within the readiness
/// timeout, and takes writes: 503 naming the database while the server hangs (a relay that passes no byte) or is
/// read-only (what a standby is), 200 again once it answers. The PostgreSQL run only (category PostgreSql).
/// </summary>
[Category("PostgreSql")]
public class PostgreSqlReadinessTests
{
    private const string Ready = "/health/ready";

    [Test]
    public async Task Ready_is_503_while_the_server_does_not_answer_and_200_once_it_does()
    {
        RequirePostgreSql();
        var directory = Directory.CreateTempSubdirectory("safemail-gw-").FullName;
        var connection = new NpgsqlConnectionStringBuilder(TestDatabase.Settings(directory)["SafeMail:Gateway:ConnectionString"]);
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Parse(connection.Host!), connection.Port));
        connection.Host = relay.Endpoint.Address.ToString();
        connection.Port = relay.Endpoint.Port;
        try
        {
            await using var gateway = await TestGateway.StartAsync(
                new Dictionary<string, string?> { ["SafeMail:Gateway:ConnectionString"] = connection.ConnectionString }, directory, observability: true);
            var (code, body) = await PrometheusText.HealthAsync(gateway.Observability, Ready);
            code.Should().Be(200, body.ToString());
            Check(body, "database").Description.Should().Be("the database answers and takes writes");

            relay.Pause();
            try
            {
                (code, body) = await PrometheusText.HealthUntilAsync(gateway.Observability, Ready, 503);
                code.Should().Be(503, body.ToString());
                Check(body, "database").Should().Be(("Unhealthy", "the database did not answer within 2 s"));
                Check(body, "spool").Status.Should().Be("Healthy");
                (await PrometheusText.HealthAsync(gateway.Observability, "/health/live")).Code.Should().Be(200, "the process itself is alive");
            }
            finally
            {
                relay.Resume();
            }

            (code, body) = await PrometheusText.HealthUntilAsync(gateway.Observability, Ready, 200);
            code.Should().Be(200, "the server answers again: " + body);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Ready_is_503_while_the_server_is_read_only()
    {
        RequirePostgreSql();
        var database = "ro_" + Guid.NewGuid().ToString("N")[..16];
        var directory = Directory.CreateTempSubdirectory("safemail-gw-").FullName;
        await AdminAsync($"CREATE DATABASE {database}");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(TestDatabase.Settings(directory)["SafeMail:Gateway:ConnectionString"])
            {
                Database = database,
                SearchPath = null,
            };
            await using var gateway = await TestGateway.StartAsync(
                new Dictionary<string, string?> { ["SafeMail:Gateway:ConnectionString"] = connection.ConnectionString }, directory, observability: true);
            (await PrometheusText.HealthAsync(gateway.Observability, Ready)).Code.Should().Be(200);

            // What a failover onto a standby (or an operator's default_transaction_read_only) looks like: every new session is read-only.
            await AdminAsync($"ALTER DATABASE {database} SET default_transaction_read_only = on", database);
            var (code, body) = await PrometheusText.HealthUntilAsync(gateway.Observability, Ready, a => Check(a.Body, "database").Description.Contains("read-only"));
            code.Should().Be(503, body.ToString());
            Check(body, "database").Should().Be(("Unhealthy", "the database answers but is read-only (a standby?)"));

            await AdminAsync($"ALTER DATABASE {database} RESET default_transaction_read_only", database);
            (code, body) = await PrometheusText.HealthUntilAsync(gateway.Observability, Ready, 200);
            code.Should().Be(200, "the server takes writes again: " + body);
        }
        finally
        {
            await AdminAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void RequirePostgreSql()
    {
        Assert.That(TestDatabase.IsPostgreSql, "PostgreSQL only: run with SAFEMAIL_TEST_PROVIDER=PostgreSql (tests/run-all.sh does); ReadinessTests covers SQLite");
    }

    private static (string Status, string Description) Check(System.Text.Json.JsonElement body, string name)
    {
        var check = body.GetProperty("checks").GetProperty(name);
        return (check.GetProperty("status").GetString()!, check.GetProperty("description").GetString()!);
    }

    /// <summary>Runs <paramref name="sql"/> on the run's cluster; then, with <paramref name="reconnect"/>, ends every session on that database so the next ones see the change.</summary>
    private static async Task AdminAsync(string sql, string? reconnect = null)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
        if (reconnect is not null)
        {
            command.CommandText = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()";
            command.Parameters.AddWithValue("db", reconnect);
            await command.ExecuteNonQueryAsync();
        }
    }
}
