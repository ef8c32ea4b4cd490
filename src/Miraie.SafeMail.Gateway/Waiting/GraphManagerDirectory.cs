using System.Collections.Concurrent;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>
/// The sender's manager from Microsoft Entra ID: <c>GET /users/{sender}/manager?$select=mail,userPrincipalName</c>
/// (application permission User.Read.All), the manager's mail address or, without one, their user principal name.
/// Answers — a manager, or Graph's 404 for none — are kept for <see cref="CacheFor"/>, so a burst of mail from one sender
/// asks once. A failure (Graph unreachable, throttled past its retries, refused, too slow) is not kept and finds nobody:
/// the approval then falls to the rule's other approvers or an admin, never to a pass. The caller bounds the wait
/// (<see cref="ApproverDirectory.LookupTimeout"/>); <see cref="Timeout"/> bounds it here too.
/// </summary>
public sealed class GraphManagerDirectory(GraphServiceClient client, TimeProvider time, ILogger<GraphManagerDirectory> logger) : IManagerDirectory
{
    /// <summary>How long an answer is kept.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    /// <summary>Most senders kept; beyond it the cache starts again (a few thousand senders fit many times over).</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (string? Manager, DateTimeOffset Until)> _answers = new(StringComparer.Ordinal);

    /// <summary>The longest one lookup may take, whatever the caller allows. Default 5 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    public async Task<string?> ManagerOfAsync(string sender, CancellationToken cancellationToken)
    {
        var key = sender.Trim().ToLowerInvariant();
        var now = time.GetUtcNow();
        if (_answers.TryGetValue(key, out var kept) && kept.Until > now)
        {
            return kept.Manager;
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Timeout);
        string? manager;
        try
        {
            var found = await client.Users[key].Manager.GetAsync(r => r.QueryParameters.Select = ["mail", "userPrincipalName"], bounded.Token).ConfigureAwait(false);
            manager = AddressOf(found);
            if (manager is null)
            {
                logger.LogWarning("Microsoft Graph names a manager of {Sender} without a mail address or user principal name", key);
            }
        }
        catch (ApiException e) when (e.ResponseStatusCode == 404)
        {
            manager = null; // no manager in Entra ID (or no such user): an answer, kept like one
        }
        catch (Exception e) when (e is ApiException or AggregateException or HttpRequestException or AuthenticationFailedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("the manager of {Sender} could not be looked up in Microsoft Graph: {Error}", key, Describe(e));
            return null;
        }

        if (_answers.Count >= MaxEntries)
        {
            _answers.Clear();
        }

        _answers[key] = (manager, time.GetUtcNow() + CacheFor);
        return manager;
    }

    /// <summary>The manager's address: mail, else the user principal name (a user object or, untyped, its raw properties).</summary>
    private static string? AddressOf(DirectoryObject? found)
    {
        if (found is User user)
        {
            return NonEmpty(user.Mail) ?? NonEmpty(user.UserPrincipalName);
        }

        var data = found?.AdditionalData;
        return data is null ? null : NonEmpty(Text(data, "mail")) ?? NonEmpty(Text(data, "userPrincipalName"));

        static string? Text(IDictionary<string, object> data, string name) => data.TryGetValue(name, out var value) ? value?.ToString() : null;
        static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private static string Describe(Exception e) => e switch
    {
        ODataError o => $"{o.ResponseStatusCode} {o.Error?.Code}: {o.Error?.Message}",
        ApiException a => $"{a.ResponseStatusCode}: {a.Message}",
        AggregateException { InnerExceptions: [.., ApiException last] } all => $"{last.ResponseStatusCode} after {all.InnerExceptions.Count} tries",
        OperationCanceledException => "no answer in time",
        _ => e.Message,
    };
}
