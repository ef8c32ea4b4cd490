using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Benchmarks;

/// <summary>
/// Fills a gateway database with held mail (送信保留) as the gateway stores it: <c>count</c> messages from 2,000 senders,
/// and among them <c>own</c> from one sender (<see cref="Sender"/>), each leaving within the next hour — the input of the
/// pane's held-list benchmark (tests/bench/addin-held-list.sh). Rows carry no bytes: the list never reads them.
/// </summary>
internal static class HeldSeeder
{
    /// <summary>The sender whose list is measured.</summary>
    public const string Sender = "bench.sender@example.co.jp";

    public static Task<int> SeedAsync(string dataDirectory, int count, int own)
    {
        var stride = Math.Max(1, count / Math.Max(1, own)); // the sender's messages spread evenly among the others
        return QuarantineSeeder.FillAsync(dataDirectory, count, "held messages", (i, random, now, _) =>
        {
            var received = now - TimeSpan.FromSeconds(random.Next(0, 240));
            return new MessageRecord
            {
                Id = $"H{i:D15}",
                ReceivedAt = received,
                NodeId = "bench",
                ClientAddress = "10.1.2.10",
                EnvelopeFrom = i % stride == 0 && i / stride < own ? Sender : $"user{random.Next(2_000):0000}@example.co.jp",
                Subject = $"御見積書送付の件 No.{i}",
                Size = random.Next(2_000, 500_000),
                State = MessageState.Held,
                Verdict = "hold",
                Rule = "hold-external",
                Confirmation = "absent",
                External = true,
                FindingsJson = "[]",
                Origin = MessageOrigin.Smtp,
                NextAttemptAt = now + TimeSpan.FromMinutes(random.Next(5, 60)),
                ExpiresAt = now + TimeSpan.FromDays(5),
                Recipients =
                [
                    new RecipientRecord($"buyer{random.Next(20)}@customer{random.Next(50):00}.example.com", true, RecipientState.Pending, null),
                    new RecipientRecord($"colleague{random.Next(20)}@example.co.jp", false, RecipientState.Pending, null),
                ],
            };
        });
    }
}
