using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Quarantine;

public class ReleaseTests
{
    private static ReleaseRequest Operator(string name) => new(name, MayReleaseRisky: false, Reason: null);

    [Test]
    public async Task Releasing_twice_at_once_delivers_exactly_once_with_the_release_recorded()
    {
        await using var gateway = await TestGateway.StartAsync();
        var message = TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "見積書", TestMessages.Pdf);
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, message, "tanaka@example.co.jp", "buyer@customer.example.com"));
        var quarantine = gateway.Get<QuarantineService>();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => quarantine.ReleaseAsync(id, Operator($"operator{i}")))));
        attempts.Count(r => r.Released).Should().Be(1);
        attempts.Where(r => !r.Released).Select(r => r.Outcome).Should().AllBeEquivalentTo(ReleaseOutcome.AlreadyReleased);

        var delivered = await gateway.WaitForPickupAsync(1);
        await Task.Delay(3000); // a second delivery, if there were one, would land within the poll interval
        (await gateway.WaitForPickupAsync(1)).Should().HaveCount(1);
        var bytes = await File.ReadAllTextAsync(delivered[0]);
        bytes.Should().Contain($"X-SafeMail-Verdict: released; rule=external-unprotected; by=operator");

        var (stored, history) = (await quarantine.ShowAsync(id))!.Value;
        stored.State.Should().Be(MessageState.Delivered);
        history.Select(h => h.Action).Where(a => a is not ("release-refused" or "deliver")).Should().Equal("quarantine", "release");
        history.Count(h => h.Action == "release-refused").Should().Be(7, "each losing release is a refusal in the audit log");
        (await quarantine.ReleaseAsync(id, Operator("late"))).Outcome.Should().Be(ReleaseOutcome.AlreadyReleased);
        (await quarantine.DeleteAsync(id, "late")).Should().BeFalse("a delivered message is not in the quarantine any more");
    }

    [Test]
    public async Task Delete_removes_the_bytes_and_keeps_the_record_and_retention_purges_old_mail()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Quarantine:Retention"] = "00:00:01" });
        var quarantine = gateway.Get<QuarantineService>();
        var first = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp,
            TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "one", TestMessages.Pdf), "tanaka@example.co.jp", "buyer@customer.example.com"));
        var second = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp,
            TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "two", TestMessages.Pdf), "tanaka@example.co.jp", "buyer@customer.example.com"));

        var stored = (await quarantine.ShowAsync(first))!.Value.Message;
        (await gateway.HasStoredBytesAsync(stored)).Should().BeTrue();
        (await quarantine.DeleteAsync(first, "operator")).Should().BeTrue();
        (await gateway.HasStoredBytesAsync(stored)).Should().BeFalse();
        (await quarantine.ShowAsync(first))!.Value.Message.State.Should().Be(MessageState.Deleted);

        await Task.Delay(1100);
        (await quarantine.PurgeExpiredAsync()).Should().Be(1);
        var (purged, history) = (await quarantine.ShowAsync(second))!.Value;
        purged.State.Should().Be(MessageState.Purged);
        history.Should().Contain(h => h.Action == "purge" && h.Actor == "system");
    }
}
