using System.Data.Common;

namespace Miraie.SafeMail.Storage.Messages;

/// <summary>The SQL for messages and their recipients. Every method takes the connection (and transaction) to use.</summary>
public static class MessageTable
{
    private const string Columns = """
        id, received_at, node_id, client_address, client_helo, received_header, auth_user, envelope_from, subject, header_from,
        message_id_header, size, segment, segment_offset, file_path, state, verdict, rule, confirmation, external,
        findings_json, inspection_json, attempts, next_attempt_at, expires_at, last_error, finished_at, origin,
        released_at, released_by, attachment_kinds, recipient_domains, header_from_name, approvers, decided_by, decided_at, decision_note
        """;

    private const string InsertMessage = $"""
        INSERT INTO messages ({Columns}, lease_owner, lease_until) VALUES (@id, @received_at, @node_id, @client_address, @client_helo, @received_header, @auth_user,
          @envelope_from, @subject, @header_from, @message_id_header, @size, @segment, @segment_offset, @file_path, @state,
          @verdict, @rule, @confirmation, @external, @findings_json, @inspection_json, @attempts, @next_attempt_at,
          @expires_at, @last_error, @finished_at, @origin, @released_at, @released_by, @attachment_kinds, @recipient_domains, @header_from_name, @approvers, @decided_by, @decided_at,
          @decision_note, @lease_owner, @lease_until)
        """;

    /// <summary>Inserts a message and its recipients, leased to <paramref name="leaseOwner"/> when given (the node that will deliver it).</summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction? transaction, MessageRecord m, string? leaseOwner = null,
        DateTimeOffset? leaseUntil = null, CancellationToken cancellationToken = default)
    {
        var batch = new SqlBatch(connection, transaction);
        Insert(batch, m, leaseOwner, leaseUntil);
        await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the statements of <see cref="InsertAsync"/> to <paramref name="batch"/>: the message's, then one per recipient.</summary>
    public static void Insert(SqlBatch batch, MessageRecord m, string? leaseOwner = null, DateTimeOffset? leaseUntil = null)
    {
        var insert = batch.Add(InsertMessage);
        insert.Add("@id", m.Id);
        insert.Add("@received_at", m.ReceivedAt.ToUnixTimeMilliseconds());
        insert.Add("@node_id", m.NodeId);
        insert.Add("@client_address", m.ClientAddress);
        insert.Add("@client_helo", m.ClientHelo);
        insert.Add("@received_header", m.ReceivedHeader);
        insert.Add("@auth_user", m.AuthUser);
        insert.Add("@envelope_from", m.EnvelopeFrom);
        insert.Add("@subject", m.Subject);
        insert.Add("@header_from", m.HeaderFrom);
        insert.Add("@message_id_header", m.MessageIdHeader);
        insert.Add("@size", m.Size);
        insert.Add("@segment", m.Segment);
        insert.Add("@segment_offset", m.SegmentOffset);
        insert.Add("@file_path", m.FilePath);
        insert.Add("@state", m.State);
        insert.Add("@verdict", m.Verdict);
        insert.Add("@rule", m.Rule);
        insert.Add("@confirmation", m.Confirmation);
        insert.Add("@external", m.External ? 1 : 0);
        insert.Add("@findings_json", m.FindingsJson);
        insert.Add("@inspection_json", m.InspectionJson);
        insert.Add("@attempts", m.Attempts);
        insert.Add("@next_attempt_at", m.NextAttemptAt?.ToUnixTimeMilliseconds());
        insert.Add("@expires_at", m.ExpiresAt?.ToUnixTimeMilliseconds());
        insert.Add("@last_error", m.LastError);
        insert.Add("@finished_at", m.FinishedAt?.ToUnixTimeMilliseconds());
        insert.Add("@origin", m.Origin);
        insert.Add("@released_at", m.ReleasedAt?.ToUnixTimeMilliseconds());
        insert.Add("@released_by", m.ReleasedBy);
        insert.Add("@attachment_kinds", m.AttachmentKinds);
        insert.Add("@recipient_domains", DomainsOf(m.Recipients));
        insert.Add("@header_from_name", m.HeaderFromName);
        insert.Add("@approvers", ListText(m.Approvers));
        insert.Add("@decided_by", m.DecidedBy);
        insert.Add("@decided_at", m.DecidedAt?.ToUnixTimeMilliseconds());
        insert.Add("@decision_note", m.DecisionNote);
        insert.Add("@lease_owner", leaseOwner);
        insert.Add("@lease_until", leaseUntil?.ToUnixTimeMilliseconds());
        var ordinal = 0;
        foreach (var r in m.Recipients)
        {
            batch.Add("INSERT INTO recipients (message_id, address, external, state, last_response, updated_at, ordinal) VALUES (@m, @a, @e, @s, @r, @u, @o)")
                .Add("@m", m.Id)
                .Add("@a", r.Address)
                .Add("@e", r.External ? 1 : 0)
                .Add("@s", r.State)
                .Add("@r", r.LastResponse)
                .Add("@u", m.ReceivedAt.ToUnixTimeMilliseconds())
                .Add("@o", ++ordinal);
        }
    }

    /// <summary>The message with its recipients, or null.</summary>
    public static async Task<MessageRecord?> GetAsync(DbConnection connection, string id, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {Columns} FROM messages WHERE id = @id";
        Sql.Add(select, "@id", id);
        MessageRecord? message;
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            message = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }

        if (message is null)
        {
            return null;
        }

        await using var recipients = connection.CreateCommand();
        recipients.CommandText = "SELECT address, external, state, last_response FROM recipients WHERE message_id = @id ORDER BY ordinal";
        Sql.Add(recipients, "@id", id);
        var list = new List<RecipientRecord>();
        await using (var reader = await recipients.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new RecipientRecord(reader.GetString(0), reader.GetInt64(1) != 0, reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        return message with { Recipients = list };
    }

    /// <summary>Messages matching <paramref name="where"/> (SQL over the <c>messages</c> columns), newest first, with their recipients.</summary>
    public static async Task<IReadOnlyList<MessageRecord>> ListAsync(DbConnection connection, string where, IReadOnlyDictionary<string, object?> parameters,
        int limit, CancellationToken cancellationToken = default)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {Columns} FROM messages WHERE {where} ORDER BY received_at DESC LIMIT @limit";
        foreach (var (name, value) in parameters)
        {
            Sql.Add(select, name, value);
        }

        Sql.Add(select, "@limit", limit);
        var list = new List<MessageRecord>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(Read(reader));
            }
        }

        if (list.Count == 0)
        {
            return list;
        }

        await using var recipients = connection.CreateCommand();
        var names = list.Select((m, i) => "@m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        recipients.CommandText = $"SELECT message_id, address, external, state, last_response FROM recipients WHERE message_id IN ({string.Join(", ", names)}) ORDER BY message_id, ordinal";
        for (var i = 0; i < list.Count; i++)
        {
            Sql.Add(recipients, names[i], list[i].Id);
        }

        var byMessage = list.ToDictionary(m => m.Id, _ => new List<RecipientRecord>());
        await using (var reader = await recipients.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                byMessage[reader.GetString(0)].Add(new RecipientRecord(reader.GetString(1), reader.GetInt64(2) != 0, reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }

        return list.Select(m => m with { Recipients = byMessage[m.Id] }).ToList();
    }

    /// <summary>
    /// Leases up to <paramref name="limit"/> due queued messages to <paramref name="node"/> (unleased, or whose lease ran
    /// out) and returns their ids. Several nodes may call this at once; each message goes to one of them.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ClaimDueAsync(DbConnection connection, string node, DateTimeOffset now, TimeSpan lease, int limit,
        CancellationToken cancellationToken = default)
    {
        // PostgreSQL: the picked rows are locked and rows another node is picking at this moment skipped, so two nodes
        // never lease one message; SQLite has one writer at a time.
        await using var claim = connection.CreateCommand();
        claim.CommandText = $"""
            UPDATE messages SET lease_owner = @node, lease_until = @until
            WHERE id IN (SELECT id FROM messages WHERE state = 'queued' AND next_attempt_at <= @now
                         AND (lease_until IS NULL OR lease_until < @now) ORDER BY next_attempt_at LIMIT @limit{SqlDialect.Of(connection).SkipLocked})
            RETURNING id
            """;
        Sql.Add(claim, "@node", node);
        Sql.Add(claim, "@until", (now + lease).ToUnixTimeMilliseconds());
        Sql.Add(claim, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(claim, "@limit", limit);
        var ids = new List<string>();
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Drops every lease a node holds (at its start: what it held when it stopped is due again at once).</summary>
    public static async Task<int> ReleaseLeasesAsync(DbConnection connection, string node, CancellationToken cancellationToken = default)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE messages SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = @node AND state = 'queued'";
        Sql.Add(update, "@node", node);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records one recipient's outcome.</summary>
    public static async Task SetRecipientAsync(DbConnection connection, DbTransaction? transaction, string messageId, string address, string state,
        string? response, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var batch = new SqlBatch(connection, transaction);
        SetRecipient(batch, messageId, address, state, response, at);
        await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the statement of <see cref="SetRecipientAsync"/> to <paramref name="batch"/>.</summary>
    public static void SetRecipient(SqlBatch batch, string messageId, string address, string state, string? response, DateTimeOffset at) =>
        batch.Add("UPDATE recipients SET state = @s, last_response = @r, updated_at = @u WHERE message_id = @m AND address = @a")
            .Add("@s", state)
            .Add("@r", response)
            .Add("@u", at.ToUnixTimeMilliseconds())
            .Add("@m", messageId)
            .Add("@a", address);

    /// <summary>
    /// Sets a message's state, attempt count, next attempt and last error, and drops its lease; only when its state is
    /// still <paramref name="expectedState"/>. True when the row changed.
    /// </summary>
    public static async Task<bool> UpdateStateAsync(DbConnection connection, DbTransaction? transaction, string id, string expectedState, string state,
        int attempts, DateTimeOffset? nextAttemptAt, string? lastError, DateTimeOffset? finishedAt, CancellationToken cancellationToken = default)
    {
        var batch = new SqlBatch(connection, transaction);
        UpdateState(batch, id, expectedState, state, attempts, nextAttemptAt, lastError, finishedAt);
        return (await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false))[0] == 1;
    }

    /// <summary>Adds the statement of <see cref="UpdateStateAsync"/> to <paramref name="batch"/> (it changed the row when it affected one).</summary>
    public static void UpdateState(SqlBatch batch, string id, string expectedState, string state, int attempts, DateTimeOffset? nextAttemptAt,
        string? lastError, DateTimeOffset? finishedAt) =>
        batch.Add("""
            UPDATE messages SET state = @state, attempts = @attempts, next_attempt_at = @next, last_error = @error,
              finished_at = @finished, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND state = @expected
            """)
            .Add("@state", state)
            .Add("@attempts", attempts)
            .Add("@next", nextAttemptAt?.ToUnixTimeMilliseconds())
            .Add("@error", lastError)
            .Add("@finished", finishedAt?.ToUnixTimeMilliseconds())
            .Add("@id", id)
            .Add("@expected", expectedState);

    /// <summary>Moves a quarantined message back to the queue, once: true only for the caller that made the change.</summary>
    public static async Task<bool> ReleaseAsync(DbConnection connection, DbTransaction? transaction, string id, string actor, DateTimeOffset now,
        DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE messages SET state = 'queued', released_at = @now, released_by = @actor, next_attempt_at = @now,
              expires_at = @expires, attempts = 0, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND state = 'quarantined'
            """;
        Sql.Add(update, "@now", now.ToUnixTimeMilliseconds());
        Sql.Add(update, "@actor", actor);
        Sql.Add(update, "@expires", expiresAt.ToUnixTimeMilliseconds());
        Sql.Add(update, "@id", id);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>How many waiting messages (queued, held, awaiting approval) still need bytes in <paramref name="segment"/>.</summary>
    public static async Task<long> CountLiveInSegmentAsync(DbConnection connection, string segment, CancellationToken cancellationToken = default)
    {
        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM messages WHERE segment = @s AND state IN {MessageState.WaitingSql}";
        Sql.Add(count, "@s", segment);
        return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The recipients' domains, lower case, comma-separated with commas at both ends, for the console's domain filter.</summary>
    public static string? DomainsOf(IReadOnlyList<RecipientRecord> recipients)
    {
        var domains = recipients.Select(r => r.Address[(r.Address.LastIndexOf('@') + 1)..].ToLowerInvariant()).Where(d => d.Length > 0)
            .Distinct().Order(StringComparer.Ordinal).ToList();
        return domains.Count == 0 ? null : "," + string.Join(',', domains) + ",";
    }

    private static MessageRecord Read(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        NodeId = r.GetString(2),
        ClientAddress = Text(r, 3),
        ClientHelo = Text(r, 4),
        ReceivedHeader = Text(r, 5),
        AuthUser = Text(r, 6),
        EnvelopeFrom = r.GetString(7),
        Subject = Text(r, 8),
        HeaderFrom = Text(r, 9),
        MessageIdHeader = Text(r, 10),
        Size = r.GetInt64(11),
        Segment = Text(r, 12),
        SegmentOffset = Long(r, 13),
        FilePath = Text(r, 14),
        State = r.GetString(15),
        Verdict = r.GetString(16),
        Rule = r.GetString(17),
        Confirmation = r.GetString(18),
        External = r.GetInt64(19) != 0,
        FindingsJson = r.GetString(20),
        InspectionJson = Text(r, 21),
        Attempts = r.GetInt32(22),
        NextAttemptAt = Time(r, 23),
        ExpiresAt = Time(r, 24),
        LastError = Text(r, 25),
        FinishedAt = Time(r, 26),
        Origin = r.GetString(27),
        ReleasedAt = Time(r, 28),
        ReleasedBy = Text(r, 29),
        AttachmentKinds = Text(r, 30),
        HeaderFromName = Text(r, 32),
        Approvers = Text(r, 33) is { } approvers ? approvers.Split(',', StringSplitOptions.RemoveEmptyEntries) : [],
        DecidedBy = Text(r, 34),
        DecidedAt = Time(r, 35),
        DecisionNote = Text(r, 36),
    };

    /// <summary>Lower-case entries, comma-separated with commas at both ends (so <c>LIKE '%,' || x || ',%'</c> finds one); null for none.</summary>
    public static string? ListText(IReadOnlyList<string> entries) =>
        entries.Count == 0 ? null : "," + string.Join(',', entries.Select(e => e.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal)) + ",";

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
}
