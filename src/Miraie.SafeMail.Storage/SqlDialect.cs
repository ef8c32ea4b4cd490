namespace Miraie.SafeMail.Storage;

/// <summary>
/// The few places where SQLite's SQL and PostgreSQL's differ; everything else is written once in SQL both accept
/// (ADR-014). Each member says what it is for.
/// </summary>
public sealed class SqlDialect
{
    private SqlDialect(DatabaseProvider provider) => Provider = provider;

    /// <summary>SQLite's.</summary>
    public static SqlDialect Sqlite { get; } = new(DatabaseProvider.Sqlite);

    /// <summary>PostgreSQL's.</summary>
    public static SqlDialect PostgreSql { get; } = new(DatabaseProvider.PostgreSql);

    /// <summary>The dialect of <paramref name="connection"/>'s engine.</summary>
    public static SqlDialect Of(System.Data.Common.DbConnection connection) => connection is Npgsql.NpgsqlConnection ? PostgreSql : Sqlite;

    /// <summary>The provider this dialect belongs to.</summary>
    public DatabaseProvider Provider { get; }

    /// <summary>
    /// Appended to a <c>SELECT</c> that picks rows to claim: PostgreSQL locks the picked rows and skips rows another node
    /// is claiming at that moment; SQLite has one writer at a time, so nothing is needed.
    /// </summary>
    public string SkipLocked => Provider == DatabaseProvider.PostgreSql ? " FOR UPDATE SKIP LOCKED" : "";

    /// <summary>
    /// <paramref name="text"/> with ASCII letters in lower case and every other character as it is — SQLite's <c>lower()</c>.
    /// PostgreSQL's <c>lower()</c> under the database's collation also folds other scripts and costs about twice as much
    /// per row, which a search that reads every row pays 100,000 times.
    /// </summary>
    public string AsciiLower(string text) => Provider == DatabaseProvider.PostgreSql ? $"lower({text} COLLATE \"C\")" : $"lower({text})";

    /// <summary>An expression that is greater than 0 when <paramref name="needle"/> occurs in <paramref name="haystack"/> (a plain substring test, no pattern).</summary>
    public string Position(string needle, string haystack) =>
        Provider == DatabaseProvider.PostgreSql ? $"strpos({haystack}, {needle})" : $"instr({haystack}, {needle})";
}
