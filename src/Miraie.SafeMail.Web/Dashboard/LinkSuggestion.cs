using System.Data.Common;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Storage;

namespace Miraie.SafeMail.Web.Dashboard;

/// <summary>
/// A recipient domain whose server refused mail carrying an encrypted archive (a password ZIP from the add-in or the
/// gateway) with a reply that names encryption, passwords or archives, in the last 30 days, and that is not yet set to
/// receive files as a link: the dashboard proposes switching it, with the evidence. The evidence is the gateway's own
/// delivery attempts (the 5xx a server gave at the end of DATA, or its DSN-worthy expiry); a bounce the remote side sends
/// later goes to the sender's mailbox and is not seen here.
/// </summary>
public sealed record LinkSuggestion(string Domain, int Refusals, string LastResponse, string LastMessageId, DateTimeOffset LastAt)
{
    /// <summary>How far back refusals count.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    /// <summary>Words in a refusal that say the archive was the problem (lower case; Japanese as servers send it).</summary>
    private static readonly string[] KnownTexts =
        ["encrypt", "password", "zip", "archive", "attachment", "暗号", "パスワード", "圧縮", "添付"];

    /// <summary>The suggestions, most refusals first.</summary>
    public static async Task<IReadOnlyList<LinkSuggestion>> LoadAsync(DbConnection connection, PolicyEvaluator policy, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT r.address, r.last_response, r.updated_at, m.id FROM recipients r JOIN messages m ON m.id = r.message_id
            WHERE r.state = 'failed' AND r.external = 1 AND r.updated_at >= @since
              AND (m.attachment_kinds LIKE '%,zip,%' OR m.verdict = 'encrypt')
            ORDER BY r.updated_at DESC LIMIT 1000
            """;
        Sql.Add(select, "@since", (now - Window).ToUnixTimeMilliseconds());
        var refusals = new List<(string Domain, string Response, DateTimeOffset At, string MessageId)>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var address = reader.GetString(0);
                var response = reader.IsDBNull(1) ? "" : reader.GetString(1);
                var mode = policy.FileDeliveryFor(address);
                if (mode is FileDeliveryMode.Link or FileDeliveryMode.Block || !KnownTexts.Any(k => response.Contains(k, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                refusals.Add((address[(address.LastIndexOf('@') + 1)..].ToLowerInvariant(), response, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                    reader.GetString(3)));
            }
        }

        return refusals.GroupBy(r => r.Domain, StringComparer.Ordinal)
            .Select(g => new LinkSuggestion(g.Key, g.Count(), g.First().Response, g.First().MessageId, g.First().At))
            .OrderByDescending(s => s.Refusals).ThenBy(s => s.Domain, StringComparer.Ordinal).Take(20).ToList();
    }
}
