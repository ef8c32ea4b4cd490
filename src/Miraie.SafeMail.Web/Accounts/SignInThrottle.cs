using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Miraie.SafeMail.Storage.Accounts;

namespace Miraie.SafeMail.Web.Accounts;

/// <summary>
/// Slows password guessing down without locking anyone out (ADR-011). Each attempt is charged, before the password is
/// checked, to the counts that apply to its client: a browser that signed in to the account before (recognised by its
/// device cookie) to its own count only; any other client to its address, to the account-and-address pair and to the
/// account's count of unrecognised browsers. Past a count's allowance every further attempt on it waits, doubling per
/// failure up to <see cref="SignInThrottleLimits.MaxWait"/>; a refused attempt checks no password and counts nothing. A
/// success refunds the charge and clears the pair's or the browser's count. Nothing depends on whether the account exists.
/// </summary>
/// <remarks>
/// The counts live in the database (<see cref="SignInCounts"/>): console nodes behind one load balancer share them, and a
/// restart forgets nothing. Charging happens before the check, in one transaction under a lock that spans the nodes, so a
/// burst of parallel requests to one node or several stays within the allowance. Admins clear an account's counts with
/// <see cref="ConsoleUsers.ClearSignInWaitAsync"/> (the console's users page and <c>safemail users unlock</c> alike).
/// </remarks>
public sealed class SignInThrottle(SignInThrottleLimits limits, TimeProvider time)
{
    private const string AddressKind = "address";
    private const string PairKind = "pair";
    private const string AccountKind = "account";
    private const string BrowserKind = "browser";

    // Forgotten counts are deleted at most this often per console process (cheap: one indexed DELETE).
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    private long _prunedAt;

    /// <summary>
    /// Begins an attempt to sign in as <paramref name="account"/> from <paramref name="client"/>; <paramref name="device"/> is
    /// the browser's id when its device cookie names this account.
    /// </summary>
    public async Task<SignInAttempt> BeginAsync(DbConnection connection, string account, IPAddress? client, string? device,
        CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await PruneIfDueAsync(connection, now, cancellationToken);
        var keys = Keys(account, client, device);
        return await SignInCounts.ChangeAsync(connection, keys.Select(k => k.Key).ToList(), stored =>
        {
            // Counts unused for longer than Forget start again from zero.
            SignInCount? Current(string key) => stored.TryGetValue(key, out var count) && now - count.Last <= limits.Forget ? count : null;

            var wait = TimeSpan.Zero;
            string? waitingOn = null;
            var firstRefusal = false;
            var reported = new List<SignInCount>();
            foreach (var (key, kind, allowance, checkedHere) in keys)
            {
                if (!checkedHere || Current(key) is not { } count || WaitUntil(count, allowance) is not { } until || until <= now)
                {
                    continue;
                }

                if (until - now > wait)
                {
                    (wait, waitingOn) = (until - now, kind);
                }

                firstRefusal |= !count.Reported;
                if (!count.Reported)
                {
                    reported.Add(count with { Reported = true });
                }
            }

            if (waitingOn is not null)
            {
                return (SignInAttempt.Refuse(wait, waitingOn, firstRefusal), reported);
            }

            var charged = keys.Select(k => new SignInCount(k.Key, OwnerOf(k.Kind, account), (Current(k.Key)?.Failures ?? 0) + 1, now, false)).ToList();
            return (SignInAttempt.Allow(keys.Select(k => k.Key).ToList()), charged);
        }, cancellationToken);
    }

    /// <summary>The attempt signed in: its charge is refunded, and the pair's or the browser's count starts again.</summary>
    public Task SucceededAsync(DbConnection connection, SignInAttempt attempt, CancellationToken cancellationToken = default)
    {
        static bool StartsAgain(string key) => key.StartsWith(PairKind + "\n", StringComparison.Ordinal) || key.StartsWith(BrowserKind + "\n", StringComparison.Ordinal);
        return SignInCounts.RefundAsync(connection, attempt.Keys.Where(StartsAgain).ToList(), attempt.Keys.Where(k => !StartsAgain(k)).ToList(), cancellationToken);
    }

    /// <summary>For each account somebody must wait for, the longest wait on any of its own counts (for admins).</summary>
    public async Task<IReadOnlyDictionary<string, TimeSpan>> WaitingAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var waiting = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var count in await SignInCounts.OfAccountsAsync(connection, now - limits.Forget, cancellationToken))
        {
            var allowance = count.Key.StartsWith(PairKind + "\n", StringComparison.Ordinal) ? limits.PerPair
                : count.Key.StartsWith(BrowserKind + "\n", StringComparison.Ordinal) ? limits.PerDevice : limits.PerAccount;
            if (WaitUntil(count, allowance) is { } until && until > now && (!waiting.TryGetValue(count.Account!, out var longest) || until - now > longest))
            {
                waiting[count.Account!] = until - now;
            }
        }

        return waiting;
    }

    private async Task PruneIfDueAsync(DbConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var last = Interlocked.Read(ref _prunedAt);
        if (now.UtcTicks - last < PruneEvery.Ticks || Interlocked.CompareExchange(ref _prunedAt, now.UtcTicks, last) != last)
        {
            return;
        }

        await SignInCounts.PruneAsync(connection, now - limits.Forget, limits.MaxEntries, cancellationToken);
    }

    // Past the allowance: FirstWait after the failure that used it up, doubling with each further failure, at most MaxWait.
    private DateTimeOffset? WaitUntil(SignInCount count, int allowance)
    {
        if (count.Failures < allowance)
        {
            return null;
        }

        var doublings = Math.Min(count.Failures - allowance, 40);
        var wait = limits.FirstWait.TotalSeconds * Math.Pow(2, doublings);
        return count.Last + (wait >= limits.MaxWait.TotalSeconds ? limits.MaxWait : TimeSpan.FromSeconds(wait));
    }

    private static string? OwnerOf(string kind, string account) => kind == AddressKind ? null : account;

    private List<(string Key, string Kind, int Allowance, bool Checked)> Keys(string account, IPAddress? client, string? device)
    {
        if (device is not null)
        {
            // A browser that signed in to this account before: only its own failures slow it down, so guessing from
            // elsewhere never keeps the user out. Its failures still count towards the account's.
            return [(BrowserKind + "\n" + account + "\n" + device, BrowserKind, limits.PerDevice, true), (AccountKind + "\n" + account, AccountKind, limits.PerAccount, false)];
        }

        var address = AddressOf(client);
        return
        [
            (AddressKind + "\n" + address, AddressKind, limits.PerAddress, true),
            (PairKind + "\n" + account + "\n" + address, PairKind, limits.PerPair, true),
            (AccountKind + "\n" + account, AccountKind, limits.PerAccount, true),
        ];
    }

    // IPv4 as is (IPv4-mapped IPv6 too); IPv6 by its /64, which one machine usually holds whole.
    private static string AddressOf(IPAddress? client)
    {
        if (client is null)
        {
            return "unknown";
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (client.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return client.ToString();
        }

        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
