using Npgsql;

namespace Miraie.SafeMail.Storage;

/// <summary>Checks and completes a PostgreSQL connection string from the settings.</summary>
public static class DatabaseSettings
{
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
    /// defaults where the string says nothing: the application name in <c>pg_stat_activity</c> and a short connect timeout,
    /// so that an unreachable database answers the SMTP client 4xx quickly instead of holding the session.
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

        return builder.ConnectionString;
    }
}
