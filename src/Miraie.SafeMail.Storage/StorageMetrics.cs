using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Miraie.SafeMail.Storage;

/// <summary>
/// The storage's instruments, on the meter <see cref="MeterName"/> created through the host's <see cref="IMeterFactory"/>
/// (a host that exports metrics adds the name; ADR-015). Kept apart from the store writer so that measuring costs it one
/// line: <c>safemail.database.commit.duration</c> → <c>safemail_database_commit_duration_seconds</c>, the time of one
/// group commit (connection if needed, spool append and fsync, the database transaction): what every 250 waits for;
/// <c>safemail.database.vacuum.duration</c> → <c>safemail_database_vacuum_duration_seconds{table}</c>, each vacuum of a
/// bytes table a node ran itself (<see cref="Messages.BytesVacuum"/>, PostgreSQL).
/// </summary>
public sealed class StorageMetrics
{
    /// <summary>The meter's name, for a host's <c>AddMeter</c>.</summary>
    public const string MeterName = "Miraie.SafeMail.Storage";

    private readonly Histogram<double> _commit;
    private readonly Histogram<double> _vacuum;

    /// <summary>Creates the instruments on the host's meter factory.</summary>
    public StorageMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _commit = meter.CreateHistogram("safemail.database.commit.duration", "s",
            "Time of one group commit (the batch's spool append and fsync, then its database transaction): what every 250 waits for",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _vacuum = meter.CreateHistogram("safemail.database.vacuum.duration", "s",
            "Time of one vacuum of a table of mail bytes that this node ran itself (PostgreSQL), so that deleted mail's space is used again",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
    }

    /// <summary>A group commit that began at <paramref name="startedTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) has committed.</summary>
    public void Committed(long startedTimestamp) => _commit.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);

    /// <summary>A vacuum of <paramref name="table"/> that began at <paramref name="startedTimestamp"/> has ended.</summary>
    public void Vacuumed(string table, long startedTimestamp) =>
        _vacuum.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("table", table));
}
