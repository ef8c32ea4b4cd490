namespace Miraie.SafeMail.Storage.Accounts;

/// <summary>A console account (the password hash is never part of it).</summary>
/// <param name="Name">The sign-in name.</param>
/// <param name="Role">One of <see cref="ConsoleRoles"/>.</param>
/// <param name="Disabled">Cannot sign in; existing sessions end at their next request.</param>
/// <param name="FailedCount">Failed sign-ins since the last success (shown to admins; it locks nothing).</param>
/// <param name="SecurityStamp">Changes with the password, role or disabled flag; a session cookie carrying an older stamp is refused.</param>
/// <param name="CreatedAt">When the account was made.</param>
/// <param name="LastSignInAt">The last successful sign-in.</param>
/// <param name="SignInResetAt">When an admin last cleared the account's sign-in wait (its throttle counts were dropped then).</param>
public sealed record ConsoleUser(string Name, string Role, bool Disabled, int FailedCount, string SecurityStamp,
    DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt, DateTimeOffset? SignInResetAt);
