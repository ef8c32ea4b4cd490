using Npgsql;

namespace Miraie.SafeMail.Storage;

/// <summary>Checks and completes a PostgreSQL connection string from the settings.</summary>
public static class DatabaseSettings
{
    /// <summary>How many statements Npgsql keeps prepared per connection unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 32;

    /// <summary>What is wrong with <paramref name="connectionString"/> as a PostgreSQL connection string (Japanese, English), or null.</summary>
    public static (string Ja, string En)? PostgreSqlProblem(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            return ($"接続文字列として読めません（{e.Message}）", $"not a valid connection string ({e.Message})");
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            return ("Host（PostgreSQL サーバー）を指定してください", "Host (the PostgreSQL server) is missing");
        }

        return null;
    }

    /// <summary>
    /// <paramref name="connectionString"/> with <paramref name="password"/> added (when given) and the product's
    /// defaults where the string says nothing: the application name in <c>pg_stat_activity</c>, a short connect timeout,
    /// so that an unreachable database answers the SMTP client 4xx quickly instead of holding the session, and automatic
    /// preparation of the statements used most.
    /// </summary>
    public static string PostgreSql(string connectionString, string? password, string applicationName)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(password))
        {
            builder.Password = password;
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = applicationName;
        }

        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 5;
        }

        // Npgsql prepares a statement on the server once it has run a few times on a physical connection, so the server
        // parses and plans the gateway's few hot statements once instead of for every message (measured: about 40 % less
        // PostgreSQL CPU per relayed message, docs/benchmarks.md). An explicit setting, 0 included, is kept.
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase) &&
            !connectionString.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        return builder.ConnectionString;
    }
}
