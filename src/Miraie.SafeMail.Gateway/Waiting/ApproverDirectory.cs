using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>
/// Turns a rule's approvers (<c>manager</c>, addresses) into the addresses that may approve one message. A manager that
/// cannot be found (no directory, no manager, the directory failing or slow) is left out — with no one left, an admin
/// decides; the message never passes for want of an approver. The sender is never their own approver.
/// </summary>
public sealed class ApproverDirectory(IManagerDirectory managers, ILogger<ApproverDirectory> logger)
{
    /// <summary>How long the end of DATA waits for the directory before going on without the manager.</summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The approvers of a message from <paramref name="sender"/>: lower case, each once, the sender left out.</summary>
    public async Task<IReadOnlyList<string>> FindAsync(IReadOnlyList<string> entries, string sender, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        foreach (var entry in entries.Select(e => e.Trim()))
        {
            if (!entry.Equals(PolicyRule.Manager, StringComparison.OrdinalIgnoreCase))
            {
                found.Add(entry.ToLowerInvariant());
                continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(LookupTimeout);
            try
            {
                if (sender.Length > 0 && await managers.ManagerOfAsync(sender, timeout.Token).ConfigureAwait(false) is { Length: > 0 } manager)
                {
                    found.Add(manager.Trim().ToLowerInvariant());
                }
                else
                {
                    logger.LogWarning("no manager found for {Sender}; the approval falls to the other approvers or an admin", sender);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "the manager of {Sender} could not be looked up; the approval falls to the other approvers or an admin", sender);
            }
        }

        return found.Where(a => !a.Equals(sender, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).ToList();
    }
}
