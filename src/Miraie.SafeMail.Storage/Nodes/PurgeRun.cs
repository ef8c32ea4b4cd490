namespace Miraie.SafeMail.Storage.Nodes;

/// <summary>One run of the retention purge.</summary>
/// <param name="At">When it ended.</param>
/// <param name="Ok">Whether it worked.</param>
/// <param name="Note">Its error, or how many messages it purged (<c>purged 3</c>).</param>
public sealed record PurgeRun(DateTimeOffset At, bool Ok, string Note);
