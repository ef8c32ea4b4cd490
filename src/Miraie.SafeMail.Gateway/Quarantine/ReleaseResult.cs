namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>The outcome of a release for one message.</summary>
/// <param name="Id">The queue id asked for.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="RiskyPaths">The disguised or executable attachments, by path, when the message has any.</param>
public sealed record ReleaseResult(string Id, ReleaseOutcome Outcome, IReadOnlyList<string> RiskyPaths)
{
    /// <summary>True when this call released the message.</summary>
    public bool Released => Outcome == ReleaseOutcome.Released;
}
