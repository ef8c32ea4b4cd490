using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Gateway.Tests.Waiting;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Delivery;

/// <summary>
/// One node never sends a message twice beside itself: an id that reaches two of its workers at once goes out once, and
/// the leases a node held when it stopped are dropped before its listener opens, so the poll cannot claim mail the accept
/// path has just handed to a worker (seen on PostgreSQL in CI: a message relayed twice right after the gateway started).
/// </summary>
public class DeliverOnceTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Customer = "buyer@customer.example.com";

    [Test]
    public async Task An_id_handed_to_two_workers_at_once_is_delivered_once()
    {
        await using var upstream = await CapturingSmtpServer.StartAsync();
        var settings = HoldTests.HoldExternal("01:00:00");
        foreach (var (key, value) in TestGateway.Smarthost(upstream.Port))
        {
            settings[key] = value;
        }

        await using var gateway = await TestGateway.StartAsync(settings);
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, [Customer], "見積書"), Sender, Customer));
        // Queued and leased to this node, but not due: no poll takes it; only the two calls below deliver it.
        await SqlAsync(gateway, "UPDATE messages SET state = 'queued', next_attempt_at = @far, lease_owner = 'test-node', lease_until = @far WHERE id = @id", id);

        var delivery = gateway.Get<DeliveryService>();
        await Task.WhenAll(delivery.DeliverOneAsync(id, CancellationToken.None), delivery.DeliverOneAsync(id, CancellationToken.None));
        await Task.Delay(300);

        upstream.Messages.Count(m => m.Text.Contains($"id={id}", StringComparison.Ordinal)).Should().Be(1);
        (await gateway.RecordAsync(id))!.State.Should().Be(MessageState.Delivered);
        await delivery.DeliverOneAsync(id, CancellationToken.None);
        upstream.Messages.Should().ContainSingle("a delivered message is not sent again");
    }

    [Test]
    public async Task The_leases_a_node_held_when_it_stopped_are_dropped_before_its_listener_opens()
    {
        var settings = HoldTests.HoldExternal("01:00:00");
        var first = await TestGateway.StartAsync(settings);
        var data = first.DataDirectory;
        var id = Mailer.QueueIdOf(await Mailer.SendAsync(first.Smtp, TestMessages.Mail(Sender, [Customer], "見積書"), Sender, Customer));
        await first.StopAsync();

        // As a kill -9 leaves it: queued, leased to this node until far ahead (and not yet due, so no poll claims it at once).
        using (var database = TestDatabase.Open(data))
        {
            await using var connection = await database.OpenAsync();
            await ExecuteAsync(connection, "UPDATE messages SET state = 'queued', next_attempt_at = @far, lease_owner = 'test-node', lease_until = @far WHERE id = @id", id);
        }

        await using (var restarted = await TestGateway.StartAsync(settings, dataDirectory: data))
        {
            await using var connection = await restarted.Get<SafeMailDatabase>().OpenAsync();
            await using var lease = connection.CreateCommand();
            lease.CommandText = "SELECT lease_owner FROM messages WHERE id = @id";
            Sql.Add(lease, "@id", id);
            (await lease.ExecuteScalarAsync()).Should().Be(DBNull.Value, "the start dropped the lease before the gateway took any mail");
        }

        Directory.Delete(data, recursive: true);
    }

    private static async Task SqlAsync(TestGateway gateway, string sql, string id)
    {
        await using var connection = await gateway.Get<SafeMailDatabase>().OpenAsync();
        await ExecuteAsync(connection, sql, id);
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql, string id)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Sql.Add(command, "@far", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds());
        Sql.Add(command, "@id", id);
        (await command.ExecuteNonQueryAsync()).Should().Be(1);
    }
}
