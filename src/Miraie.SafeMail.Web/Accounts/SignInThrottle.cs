using System.Net;
using System.Net.Sockets;

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
/// Held in memory (one console process): a restart forgets every count, which at worst gives a guesser a fresh allowance.
/// Charging before the check, under one lock, keeps a burst of parallel requests within the allowance.
/// </remarks>
public sealed class SignInThrottle(SignInThrottleLimits limits, TimeProvider time)
{
    private const string AddressKind = "address";
    private const string PairKind = "pair";
    private const string AccountKind = "account";
    private const string BrowserKind = "browser";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Count> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _clearedAt = new(StringComparer.Ordinal);

    /// <summary>
    /// Begins an attempt to sign in as <paramref name="account"/> from <paramref name="client"/>; <paramref name="device"/> is
    /// the browser's id when its device cookie names this account. <paramref name="clearedAt"/>: when an admin last cleared
    /// the account's wait (stored with the account; a newer time than seen before drops its counts first).
    /// </summary>
    public SignInAttempt Begin(string account, IPAddress? client, string? device, DateTimeOffset? clearedAt)
    {
        var now = time.GetUtcNow();
        var keys = Keys(account, client, device);
        lock (_lock)
        {
            if (clearedAt is { } at && (!_clearedAt.TryGetValue(account, out var seen) || at > seen))
            {
                _clearedAt[account] = at;
                ClearLocked(account);
            }

            var wait = TimeSpan.Zero;
            string? waitingOn = null;
            var firstRefusal = false;
            foreach (var (key, kind, allowance, checkedHere) in keys)
            {
                if (!checkedHere || Current(key, now) is not { } count || count.WaitUntil(allowance, limits) is not { } until || until <= now)
                {
                    continue;
                }

                if (until - now > wait)
                {
                    (wait, waitingOn) = (until - now, kind);
                }

                firstRefusal |= !count.Reported;
                count.Reported = true;
            }

            if (waitingOn is not null)
            {
                return SignInAttempt.Refuse(wait, waitingOn, firstRefusal);
            }

            foreach (var (key, _, _, _) in keys)
            {
                var count = Current(key, now) ?? Add(key, now);
                count.Failures++;
                count.Last = now;
                count.Reported = false;
            }

            return SignInAttempt.Allow(keys.Select(k => k.Key).ToList());
        }
    }

    /// <summary>The attempt signed in: its charge is refunded, and the pair's or the browser's count starts again.</summary>
    public void Succeeded(SignInAttempt attempt)
    {
        lock (_lock)
        {
            foreach (var key in attempt.Keys)
            {
                if (key.StartsWith(PairKind, StringComparison.Ordinal) || key.StartsWith(BrowserKind, StringComparison.Ordinal))
                {
                    _counts.Remove(key);
                }
                else if (_counts.TryGetValue(key, out var count))
                {
                    count.Failures = Math.Max(0, count.Failures - 1);
                }
            }
        }
    }

    /// <summary>The longest wait on any of the account's own counts (for admins), or null when nobody waits for it.</summary>
    public TimeSpan? Waiting(string account)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            TimeSpan? longest = null;
            foreach (var (key, count) in _counts.Where(c => BelongsTo(c.Key, account)))
            {
                var allowance = key.StartsWith(PairKind, StringComparison.Ordinal) ? limits.PerPair
                    : key.StartsWith(BrowserKind, StringComparison.Ordinal) ? limits.PerDevice : limits.PerAccount;
                if (now - count.Last <= limits.Forget && count.WaitUntil(allowance, limits) is { } until && until > now && (longest is null || until - now > longest))
                {
                    longest = until - now;
                }
            }

            return longest;
        }
    }

    /// <summary>Drops the account's counts (its own, its pairs, its browsers): an admin cleared its wait.</summary>
    public void Clear(string account)
    {
        lock (_lock)
        {
            ClearLocked(account);
        }
    }

    /// <summary>How many counts are held (for tests of the memory bound).</summary>
    public int Counts
    {
        get
        {
            lock (_lock)
            {
                return _counts.Count;
            }
        }
    }

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

    private static bool BelongsTo(string key, string account) =>
        key == AccountKind + "\n" + account
        || key.StartsWith(PairKind + "\n" + account + "\n", StringComparison.Ordinal)
        || key.StartsWith(BrowserKind + "\n" + account + "\n", StringComparison.Ordinal);

    private void ClearLocked(string account)
    {
        foreach (var key in _counts.Keys.Where(k => BelongsTo(k, account)).ToList())
        {
            _counts.Remove(key);
        }
    }

    private Count? Current(string key, DateTimeOffset now)
    {
        if (!_counts.TryGetValue(key, out var count))
        {
            return null;
        }

        if (now - count.Last <= limits.Forget)
        {
            return count;
        }

        _counts.Remove(key);
        return null;
    }

    private Count Add(string key, DateTimeOffset now)
    {
        if (_counts.Count >= limits.MaxEntries)
        {
            // Forgotten counts first; if that is not enough, the oldest tenth (the guessers' own counts are the freshest).
            var drop = _counts.Where(c => now - c.Value.Last > limits.Forget).Select(c => c.Key).ToList();
            if (_counts.Count - drop.Count >= limits.MaxEntries)
            {
                drop.AddRange(_counts.OrderBy(c => c.Value.Last).Take(Math.Max(1, limits.MaxEntries / 10)).Select(c => c.Key));
            }

            foreach (var old in drop)
            {
                _counts.Remove(old);
            }
        }

        var count = new Count();
        _counts[key] = count;
        return count;
    }

    private sealed class Count
    {
        public int Failures { get; set; }

        public DateTimeOffset Last { get; set; }

        public bool Reported { get; set; }

        // Past the allowance: FirstWait after the failure that used it up, doubling with each further failure, at most MaxWait.
        public DateTimeOffset? WaitUntil(int allowance, SignInThrottleLimits limits)
        {
            if (Failures < allowance)
            {
                return null;
            }

            var doublings = Math.Min(Failures - allowance, 40);
            var wait = limits.FirstWait.TotalSeconds * Math.Pow(2, doublings);
            return Last + (wait >= limits.MaxWait.TotalSeconds ? limits.MaxWait : TimeSpan.FromSeconds(wait));
        }
    }
}
