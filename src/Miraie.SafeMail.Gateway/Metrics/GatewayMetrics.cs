using System.Diagnostics.Metrics;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Smtp;

namespace Miraie.SafeMail.Gateway.Metrics;

/// <summary>
/// The gateway's meter (<see cref="MeterName"/>) and its instruments, named by OpenTelemetry's conventions so that the
/// Prometheus exporter writes the names the docs and alert rules use (<c>safemail.messages</c> → <c>safemail_messages_total</c>,
/// unit <c>s</c> → <c>_seconds</c>). Counters carry a tag instead of one name per outcome, and every known tag value is
/// recorded once at zero (<see cref="StartSeries"/>), so a series exists (and <c>increase()</c> works) before its first event. The host decides where
/// the measurements go (ADR-015); without a listener they cost next to nothing.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>The meter's name, for a host's <c>AddMeter</c>. The store writer's commit histogram is on the storage's meter (<c>StorageMetrics</c>).</summary>
    public const string MeterName = "Miraie.SafeMail.Gateway";

    private readonly Counter<long> _messages;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _inspection;
    private Func<int>? _openSessions;

    /// <summary>Creates the instruments on the host's meter factory; the queue gauges read <paramref name="queue"/> when scraped.</summary>
    public GatewayMetrics(IMeterFactory meters, QueueStatistics queue)
    {
        var meter = meters.Create(MeterName);
        _messages = meter.CreateCounter<long>("safemail.messages", "{message}",
            "Messages received over SMTP, by what became of them: passed (queued for delivery), quarantined, held, awaiting_approval, rejected (5xx), tempfail (4xx, not stored)");
        _deliveries = meter.CreateCounter<long>("safemail.deliveries", "{recipient}",
            "Delivery attempts per recipient, by result: delivered, deferred (to be retried), bounced (refused for good or expired; the sender gets a report)");
        _refused = meter.CreateCounter<long>("safemail.smtp.sessions.refused", "{session}",
            "SMTP connections refused with 421 before a session, by reason: busy (no free session), client (too many from one client)");
        _inspection = meter.CreateHistogram("safemail.inspection.duration", "s", "Time to inspect one message (MIME walk, attachments, archives)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        meter.CreateObservableUpDownCounter("safemail.smtp.sessions.open", ObserveOpenSessions, "{session}", "SMTP sessions open now");
        meter.CreateObservableGauge<long>("safemail.queue.messages", () => queue.Current() is { } now ? [new Measurement<long>(now.Depth)] : [],
            "{message}", "Messages waiting for delivery in the shared database (every node reports the same queue)");
        meter.CreateObservableGauge<double>("safemail.queue.oldest.age", () => queue.Current() is { } now ? [new Measurement<double>(now.OldestAge.TotalSeconds)] : [],
            "s", "Age of the oldest message waiting for delivery; 0 when the queue is empty");
        meter.CreateObservableGauge<long>("safemail.held.messages", () => queue.Waiting() is { } now ? [new Measurement<long>(now.Held)] : [],
            "{message}", "Messages held for their senders to cancel (送信保留), in the shared database");
        meter.CreateObservableGauge<long>("safemail.approval.messages", () => queue.Waiting() is { } now ? [new Measurement<long>(now.AwaitingApproval)] : [],
            "{message}", "Messages waiting for an approver (上長承認), in the shared database");
    }

    /// <summary>
    /// Records zero for every known tag value, so each series exists from the first scrape. Call once the host's listener
    /// (its meter provider) listens: a measurement made before is seen by nobody.
    /// </summary>
    public void StartSeries()
    {
        foreach (var outcome in Enum.GetValues<AcceptOutcome>())
        {
            _messages.Add(0, Tag("outcome", Name(outcome)));
        }

        foreach (var kind in Enum.GetValues<OutcomeKind>())
        {
            _deliveries.Add(0, Tag("result", Name(kind)));
        }

        foreach (var refusal in Enum.GetValues<AdmissionRefusal>())
        {
            _refused.Add(0, Tag("reason", Name(refusal)));
        }
    }

    /// <summary>A message's end of DATA was answered: counts it by <paramref name="outcome"/>.</summary>
    public void Received(AcceptOutcome outcome) => _messages.Add(1, Tag("outcome", Name(outcome)));

    /// <summary>One message's inspection took <paramref name="elapsed"/>.</summary>
    public void Inspected(TimeSpan elapsed) => _inspection.Record(elapsed.TotalSeconds);

    /// <summary>A delivery attempt's recorded outcomes, one per recipient.</summary>
    public void Delivered(IEnumerable<RecipientOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            _deliveries.Add(1, Tag("result", Name(outcome.Kind)));
        }
    }

    /// <summary>A connection was refused before its session (421).</summary>
    internal void Refused(AdmissionRefusal refusal) => _refused.Add(1, Tag("reason", Name(refusal)));

    /// <summary>Where the SMTP listener's open session count is read from (set once the listener exists).</summary>
    public void ObserveOpenSessions(Func<int> open) => _openSessions = open;

    private IEnumerable<Measurement<int>> ObserveOpenSessions() => _openSessions is { } open ? [new Measurement<int>(open())] : [];

    // Every outcome has its name; an unknown value would throw in a test, not pass silently.
    private static string Name(AcceptOutcome outcome) => outcome switch
    {
        AcceptOutcome.Queued => "passed",
        AcceptOutcome.Quarantined => "quarantined",
        AcceptOutcome.Held => "held",
        AcceptOutcome.AwaitingApproval => "awaiting_approval",
        AcceptOutcome.Rejected => "rejected",
        AcceptOutcome.TemporaryFailure => "tempfail",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    private static string Name(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Delivered => "delivered",
        OutcomeKind.Temporary => "deferred",
        OutcomeKind.Permanent => "bounced",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string Name(AdmissionRefusal refusal) => refusal switch
    {
        AdmissionRefusal.Busy => "busy",
        AdmissionRefusal.TooManyFromClient => "client",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
