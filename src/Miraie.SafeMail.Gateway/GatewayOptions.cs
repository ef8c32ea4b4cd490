namespace Miraie.SafeMail.Gateway;

/// <summary>
/// Where the gateway keeps its data and who it is. Bound from <c>SafeMail:Gateway</c>; every key is documented in
/// appsettings.sample.json.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SafeMail:Gateway";

    /// <summary>
    /// Folder for the database, spool, quarantine and pickup folder (embedded defaults). Default <c>.data</c> under the
    /// working directory; in production an absolute path owned by the service account (e.g. <c>/var/lib/safemail</c>).
    /// </summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>The name this gateway gives itself in greetings, Received headers and DSNs. Default: the host name.</summary>
    public string? ServerName { get; set; }

    /// <summary>A stable identity for this node, used to lease queued messages (several nodes may share a database). Default: the host name.</summary>
    public string? NodeId { get; set; }

    /// <summary>
    /// Which database holds the data: <see cref="Storage.DatabaseProvider.Sqlite"/> (default: one node, <c>safemail.db</c>
    /// in <see cref="DataDirectory"/>) or <see cref="Storage.DatabaseProvider.PostgreSql"/> (several nodes share it;
    /// needs <see cref="ConnectionString"/>).
    /// </summary>
    public Storage.DatabaseProvider DatabaseProvider { get; set; } = Storage.DatabaseProvider.Sqlite;

    /// <summary>
    /// The database connection string. SQLite: default <c>safemail.db</c> in <see cref="DataDirectory"/>. PostgreSQL:
    /// required, without the password (e.g. <c>Host=db1;Database=safemail;Username=safemail;SSL Mode=VerifyFull</c>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The PostgreSQL password, through the environment only (<c>SafeMail__Gateway__DatabasePassword</c>).</summary>
    public string? DatabasePassword { get; set; }

    /// <summary>
    /// A PKCS#12 (.pfx) certificate with its private key that encrypts the data-protection keys in
    /// <see cref="DataDirectory"/>/keys (console sessions, archive passwords). Default none: the keys are stored
    /// unencrypted, protected only by the folder's permissions. Keep the certificate outside the data directory.
    /// </summary>
    public string? KeyCertificatePath { get; set; }

    /// <summary>The certificate's password, through the environment only (<c>SafeMail__Gateway__KeyCertificatePassword</c>).</summary>
    public string? KeyCertificatePassword { get; set; }
}
