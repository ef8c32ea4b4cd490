using System.Diagnostics;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Benchmarks;

/// <summary>
/// Fills a gateway database with quarantined messages as the gateway writes them (same insert, same columns), spread
/// over 30 days, 500 senders, 50 recipient domains, four rules and a mix of kinds: the console's list benchmark input.
/// The database is the one the hosts would open from the same environment: SQLite in the data directory, or PostgreSQL
/// with <c>SafeMail__Gateway__DatabaseProvider=PostgreSql</c>, <c>__ConnectionString</c> and <c>__DatabasePassword</c>
/// (there the rows carry no bytes: the list never reads them).
/// </summary>
internal static class QuarantineSeeder
{
    private static readonly string[] Rules = ["external-unprotected", "external-unknown", "disguised", "executable"];
    private static readonly string[] Kinds = [",pdf,", ",ooxml,", ",zip,ooxml,", ",zip,pdf,", ",executable,", ",unknown,", ",image,pdf,"];

    // What a real quarantined row carries: the findings and the inspection tree (about 3 KB) as the gateway stores them.
    private const string Findings = """[{"code":"not-encrypted","path":"見積書.zip › 見積書.pdf","text":{"ja":"暗号化されていません（PDF）","en":"not encrypted (PDF)"},"decisive":true}]""";

    private static readonly string Inspection = "{\"message\":{\"subject\":\"御見積書送付の件 {id}\",\"size\":182733},\"attachments\":[" +
        string.Join(',', Enumerable.Range(0, 8).Select(i =>
            $"{{\"name\":\"資料{i}.pdf\",\"path\":\"見積書.zip › 資料{i}.pdf\",\"kind\":\"pdf\",\"size\":{20_000 + i},\"protection\":\"not-protected\"," +
            "\"detail\":{\"ja\":\"暗号化されていません\",\"en\":\"not encrypted\"},\"disguise\":\"none\"," +
            "\"sha256\":\"2ec8be3a6cf981af5c949887659c9fe71edf5e76246c41ceed074aa964f0c902\",\"children\":[]}")) + "]}";

    public static Task<int> SeedAsync(string dataDirectory, int count) => FillAsync(dataDirectory, count, "quarantined messages", (i, random, now, postgres) =>
    {
        var received = now - TimeSpan.FromSeconds(random.Next(0, 30 * 86_400));
        var sender = $"user{random.Next(500):000}@example.co.jp";
        var domain = $"customer{random.Next(50):00}.example.com";
        var id = $"B{i:D15}";
        return new MessageRecord
        {
            Id = id,
            ReceivedAt = received,
            NodeId = "bench",
            ClientAddress = "10.1.2.10",
            EnvelopeFrom = sender,
            Subject = $"御見積書送付の件 No.{i}",
            Size = random.Next(2_000, 5_000_000),
            FilePath = postgres ? null : $"quarantine/{id}.eml",
            State = MessageState.Quarantined,
            Verdict = "quarantine",
            Rule = Rules[random.Next(Rules.Length)],
            Confirmation = "absent",
            External = true,
            FindingsJson = Findings,
            InspectionJson = Inspection.Replace("{id}", id, StringComparison.Ordinal),
            Origin = MessageOrigin.Smtp,
            AttachmentKinds = Kinds[random.Next(Kinds.Length)],
            Recipients = [new RecipientRecord($"buyer{random.Next(20)}@{domain}", true, RecipientState.Pending, null)],
        };
    });

    /// <summary>
    /// Inserts <paramref name="count"/> rows made by <paramref name="make"/> (index, a seeded random, now, PostgreSQL?) in
    /// batches, into the database the hosts would open from the same environment; then, on PostgreSQL, VACUUM ANALYZE.
    /// </summary>
    public static async Task<int> FillAsync(string dataDirectory, int count, string what, Func<int, Random, DateTimeOffset, bool, MessageRecord> make)
    {
        var postgres = string.Equals(Environment.GetEnvironmentVariable("SafeMail__Gateway__DatabaseProvider"), nameof(DatabaseProvider.PostgreSql),
            StringComparison.OrdinalIgnoreCase);
        using var database = postgres
            ? SafeMailDatabase.For(dataDirectory, DatabaseSettings.PostgreSql(
                Environment.GetEnvironmentVariable("SafeMail__Gateway__ConnectionString") ?? throw new InvalidOperationException("SafeMail__Gateway__ConnectionString is not set"),
                Environment.GetEnvironmentVariable("SafeMail__Gateway__DatabasePassword"), "safemail-bench"), DatabaseProvider.PostgreSql)
            : SafeMailDatabase.For(dataDirectory);
        await database.MigrateAsync();
        var stopwatch = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var random = new Random(20261127);
        await using var connection = await database.OpenAsync();
        const int batch = 5_000;
        for (var done = 0; done < count; done += batch)
        {
            await using var transaction = (System.Data.Common.DbTransaction)await connection.BeginTransactionAsync();
            for (var i = done; i < Math.Min(count, done + batch); i++)
            {
                await MessageTable.InsertAsync(connection, transaction, make(i, random, now, postgres));
            }

            await transaction.CommitAsync();
        }

        if (postgres)
        {
            // What autovacuum does on its own after a bulk insert, done now so the first measurement does not depend on
            // when it wakes up: planner statistics, and the visibility map that index-only scans need.
            foreach (var table in new[] { "messages", "recipients" })
            {
                await using var vacuum = connection.CreateCommand();
                vacuum.CommandText = "VACUUM ANALYZE " + table;
                vacuum.CommandTimeout = 600;
                await vacuum.ExecuteNonQueryAsync();
            }
        }

        Console.WriteLine($"seeded {count} {what} in {stopwatch.Elapsed.TotalSeconds:0.0} s: " +
            (postgres ? "PostgreSQL" : Path.Combine(Path.GetFullPath(dataDirectory), "safemail.db")));
        return 0;
    }
}
