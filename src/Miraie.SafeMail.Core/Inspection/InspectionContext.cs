namespace Miraie.SafeMail.Core.Inspection;

/// <summary>The budget of one message's inspection: limits, time, and the bytes expanded so far.</summary>
internal sealed class InspectionContext : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationToken _callerToken;
    private readonly long _deadlineTimestamp;

    public InspectionContext(InspectionLimits limits, CancellationToken callerToken)
    {
        Limits = limits;
        _callerToken = callerToken;
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        _deadline.CancelAfter(limits.Timeout);

        // The clock is read as well as the timer: under load the timer callback can run late, and the limit must still hold.
        _deadlineTimestamp = System.Diagnostics.Stopwatch.GetTimestamp()
            + (long)(limits.Timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    }

    public InspectionLimits Limits { get; }

    /// <summary>Cancelled at the deadline or when the caller gives up.</summary>
    public CancellationToken Token => _deadline.Token;

    /// <summary>True when the deadline (not the caller) ended the work.</summary>
    public bool TimedOut => !_callerToken.IsCancellationRequested && (_deadline.IsCancellationRequested || Expired);

    private bool Expired => System.Diagnostics.Stopwatch.GetTimestamp() > _deadlineTimestamp;

    /// <summary>
    /// Every part found to be body rather than attachment, in walk order, including those inside attached messages and
    /// winmail.dat (<see cref="ExcludedPart.Within"/> says where): the report lists them all.
    /// </summary>
    public List<ExcludedPart> Excluded { get; } = [];

    /// <summary>Bytes produced by decompression so far, all archives together.</summary>
    public long ExpandedBytes { get; private set; }

    /// <summary>Stops with <see cref="UnknownReason.LimitTime"/> once the deadline has passed.</summary>
    public void ThrowIfExpired()
    {
        _callerToken.ThrowIfCancellationRequested();
        if (_deadline.IsCancellationRequested || Expired)
        {
            throw new InspectionLimitException(UnknownReason.LimitTime, "inspection time limit reached");
        }
    }

    /// <summary>Counts <paramref name="bytes"/> of decompressed output against the message-wide limit.</summary>
    public void ChargeExpansion(long bytes)
    {
        ThrowIfExpired();
        ExpandedBytes += bytes;
        if (ExpandedBytes > Limits.MaxExpandedBytes)
        {
            throw new InspectionLimitException(UnknownReason.LimitSize, "expanded size limit reached");
        }
    }

    /// <summary>Stops an archive that has expanded more than the allowed ratio of its own size.</summary>
    public void CheckRatio(long expanded, long archiveSize)
    {
        if (expanded > Limits.RatioFloorBytes && expanded > (double)Limits.MaxExpansionRatio * Math.Max(archiveSize, 1))
        {
            throw new InspectionLimitException(UnknownReason.LimitRatio, "expansion ratio limit reached");
        }
    }

    public void Dispose() => _deadline.Dispose();
}
