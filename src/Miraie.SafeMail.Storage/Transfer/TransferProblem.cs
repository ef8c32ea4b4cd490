namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>Why a move into PostgreSQL stopped; the command line turns each into its own exit code.</summary>
public enum TransferProblem
{
    /// <summary>The source folder holds no SQLite database.</summary>
    SourceMissing,

    /// <summary>A gateway or console runs on the source folder, or a node runs on the target database: stop it first.</summary>
    InUse,

    /// <summary>The source's data is damaged or incomplete (a message's bytes missing or not what its record says, a key file unreadable).</summary>
    SourceDamaged,

    /// <summary>The target database already holds data: nothing is merged into it.</summary>
    TargetNotEmpty,

    /// <summary>The target cannot hold the data as it is (encoding, server version, schema).</summary>
    TargetUnsuitable,

    /// <summary>What was written differs from what was read (counts, rows, checksums): nothing was committed.</summary>
    VerificationFailed,
}
