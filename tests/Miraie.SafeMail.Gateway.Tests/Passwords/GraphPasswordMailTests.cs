using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Miraie.SafeMail.Gateway.Passwords;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Passwords;

namespace Miraie.SafeMail.Gateway.Tests.Passwords;

/// <summary>Password mail through Microsoft Graph sendMail, against a fake Graph on 127.0.0.1: request shape, throttling, errors, retries.</summary>
public class GraphPasswordMailTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Customer = "buyer@customer.example.com";

    [Test]
    public async Task The_password_goes_through_Graph_as_the_sender_and_is_saved_in_sent_items_not_through_the_gateway()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        await using var gateway = await StartAsync(graph);
        var archive = await PasswordMailTests.StoreArchiveAsync(gateway, Sender);
        await Mailer.SendAsync(gateway.Smtp, PasswordMailTests.Message(Sender, archive), Sender, Customer, "keiri@partner.example.net");

        await PasswordMailTests.WaitUntilAsync(() => Task.FromResult(graph.Requests.Count >= 2));
        var requests = graph.Requests.ToList();
        requests.Should().HaveCount(2, "one sendMail per recipient");
        requests.Should().OnlyContain(r => r.User == Sender && r.Authorization == "Bearer graph-test-token");
        var sent = requests.Select(r => r.Body).ToList();
        sent.Select(b => Get(b, "message", "toRecipients").EnumerateArray().Single().GetProperty("emailAddress").GetProperty("address").GetString())
            .Should().BeEquivalentTo(Customer, "keiri@partner.example.net");
        foreach (var body in sent)
        {
            Get(body, "saveToSentItems").GetBoolean().Should().BeTrue();
            var message = Get(body, "message");
            message.GetProperty("subject").GetString().Should().Be("【パスワードのお知らせ / Password】見積書の送付");
            message.GetProperty("body").GetProperty("contentType").GetString().Should().Be("text");
            message.GetProperty("body").GetProperty("content").GetString().Should().Contain("パスワード: " + archive.Password);
        }

        (await gateway.WaitForPickupAsync(1)).Should().HaveCount(1);
        await Task.Delay(2500);
        (await gateway.WaitForPickupAsync(2, TimeSpan.FromMilliseconds(100))).Should().HaveCount(1, "only the message itself goes through the gateway");
        (await PasswordMailTests.AuditAsync(gateway, "password-mail")).Should().HaveCount(2).And.OnlyContain(d => d.Contains("Microsoft Graph"));
        await PasswordMailTests.WaitUntilAsync(async () => await gateway.Get<ArchivePasswords>().GetAsync(archive.Id, CancellationToken.None) is null);
    }

    [Test]
    public async Task Throttling_is_retried_after_the_time_Graph_asks_for_and_the_mail_is_sent_once()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        graph.Then(429, retryAfter: "1", errorCode: "ApplicationThrottled");
        await using var gateway = await StartAsync(graph);
        var archive = await PasswordMailTests.StoreArchiveAsync(gateway, Sender);
        await Mailer.SendAsync(gateway.Smtp, PasswordMailTests.Message(Sender, archive), Sender, Customer);

        await PasswordMailTests.WaitUntilAsync(async () => (await StatesAsync(gateway)).SequenceEqual(["sent"]));
        graph.Requests.Should().HaveCount(2, "the throttled request and its retry");
        (await PasswordMailTests.AuditAsync(gateway, "password-mail")).Should().HaveCount(1);
    }

    [Test]
    public async Task A_refusal_is_final_and_audited_with_Graphs_error_code()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        graph.Then(403, errorCode: "ErrorAccessDenied");
        await using var gateway = await StartAsync(graph);
        var archive = await PasswordMailTests.StoreArchiveAsync(gateway, Sender);
        await Mailer.SendAsync(gateway.Smtp, PasswordMailTests.Message(Sender, archive), Sender, Customer);

        await PasswordMailTests.WaitUntilAsync(async () => (await StatesAsync(gateway)).SequenceEqual(["failed"]));
        (await PasswordMailTests.AuditAsync(gateway, "password-mail-failed")).Should().ContainSingle().Which.Should().Contain("ErrorAccessDenied").And.Contain(Customer);
        await Task.Delay(2500);
        graph.Requests.Should().HaveCount(1, "a 403 is not retried");
        gateway.Logs.Entries.Should().Contain(e => e.Text.Contains("not sent") && e.Text.Contains("ErrorAccessDenied"));
    }

    [Test]
    public async Task A_Graph_outage_leaves_the_mail_pending_with_the_error_and_a_later_attempt_sends_it()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        for (var i = 0; i < 4; i++)
        {
            graph.Then(503, retryAfter: "0", errorCode: "ServiceUnavailable"); // the request and the Graph client's three retries
        }

        await using var gateway = await StartAsync(graph);
        var archive = await PasswordMailTests.StoreArchiveAsync(gateway, Sender);
        await Mailer.SendAsync(gateway.Smtp, PasswordMailTests.Message(Sender, archive), Sender, Customer);

        await PasswordMailTests.WaitUntilAsync(async () => (await StatesAsync(gateway)).SequenceEqual(["sent"]), seconds: 30);
        graph.Requests.Should().HaveCount(5, "four refused in the first attempt, one accepted in the next");
        var (attempts, error) = await AttemptsAsync(gateway);
        attempts.Should().Be(2);
        error.Should().BeNull();
        gateway.Logs.Entries.Should().Contain(e => e.Text.Contains("through Graph failed") && e.Text.Contains("503"));
    }

    /// <summary>
    /// A property by name, case-insensitively as Graph reads them: the SDK writes the sendMail body's own members as
    /// "Message" and "SaveToSentItems", the message's members in camel case.
    /// </summary>
    private static JsonElement Get(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            element = element.EnumerateObject().Single(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        }

        return element;
    }

    private static Task<TestGateway> StartAsync(FakeGraphServer graph) => TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:PasswordDelivery:Mode"] = "graph",
            ["SafeMail:PasswordDelivery:Graph:TenantId"] = "11111111-2222-3333-4444-555555555555",
            ["SafeMail:PasswordDelivery:Graph:ClientId"] = "66666666-7777-8888-9999-000000000000",
            ["SafeMail:PasswordDelivery:Graph:ClientSecret"] = "not-used-by-the-fake",
            ["SafeMail:PasswordDelivery:Graph:BaseUrl"] = graph.BaseUrl,
        },
        // The real sender and Graph client from the settings, with a fixed token instead of Azure.Identity's sign-in.
        services: s => s.AddSingleton<Func<GraphSendOptions, GraphPasswordSender>>(_ => options => GraphPasswordSender.Create(options, new StaticTokenCredential("graph-test-token"))));

    private static async Task<List<string>> StatesAsync(TestGateway gateway)
    {
        await using var connection = await gateway.Get<SafeMailDatabase>().OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT state FROM password_mails ORDER BY recipient";
        var states = new List<string>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            states.Add(reader.GetString(0));
        }

        return states;
    }

    private static async Task<(long Attempts, string? Error)> AttemptsAsync(TestGateway gateway)
    {
        await using var connection = await gateway.Get<SafeMailDatabase>().OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT attempts, last_error FROM password_mails";
        await using var reader = await select.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
