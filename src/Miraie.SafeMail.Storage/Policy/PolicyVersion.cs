namespace Miraie.SafeMail.Storage.Policy;

/// <summary>One saved policy.</summary>
/// <param name="Id">Increasing: the highest is in force.</param>
/// <param name="At">When it was saved.</param>
/// <param name="Author">Who saved it.</param>
/// <param name="Comment">Why, in the author's words (or "rollback to N").</param>
/// <param name="Json">The policy, as <c>PolicyJson</c> writes it.</param>
public sealed record PolicyVersion(long Id, DateTimeOffset At, string Author, string? Comment, string Json);
