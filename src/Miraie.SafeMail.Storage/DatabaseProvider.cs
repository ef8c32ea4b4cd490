namespace Miraie.SafeMail.Storage;

/// <summary>Which engine holds the product's data (<c>SafeMail:Gateway:DatabaseProvider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>The embedded default: <c>safemail.db</c> in the data directory, message bytes in the spool folder. One node.</summary>
    Sqlite,

    /// <summary>A shared PostgreSQL database (<c>SafeMail:Gateway:ConnectionString</c>): several nodes, any of them serves any message.</summary>
    PostgreSql,
}
