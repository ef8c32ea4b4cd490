using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using SmtpServer.Authentication;
using SmtpServer;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// SMTP AUTH against the <c>smtp_users</c> table: passwords stored only as ASP.NET Core Identity hashes (PBKDF2), compared
/// by the hasher. SmtpServer offers AUTH only on TLS sessions (endpoints never allow unsecure authentication).
/// </summary>
internal sealed class SmtpUserAuthenticator(SafeMailDatabase database, ILogger<SmtpUserAuthenticator> logger) : IUserAuthenticator
{
    public async Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var hash = await SmtpUsers.HashOfAsync(connection, user, cancellationToken).ConfigureAwait(false);
        var ok = hash is not null && SmtpUsers.Hasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed;
        if (!ok)
        {
            logger.LogWarning("SMTP AUTH failed for user {User} from {Client}", user, SessionFacts.ClientAddress(context));
        }

        return ok;
    }
}
