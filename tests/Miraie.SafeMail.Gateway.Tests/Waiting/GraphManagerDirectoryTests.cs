using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Graph;
using Miraie.SafeMail.Gateway.Passwords;
using Miraie.SafeMail.Gateway.Tests.Passwords;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Waiting;

/// <summary>
/// Approvers <c>manager</c> through Microsoft Graph (<c>GET /users/{sender}/manager</c>) against a fake Graph on
/// 127.0.0.1: found, none (404), unreachable, too slow, kept for a while; and end to end through SMTP under an Approve rule.
/// </summary>
public class GraphManagerDirectoryTests
{
    private const string Sender = "tanaka@example.co.jp";
    private const string Manager = "bucho@example.co.jp";
    private const string Customer = "buyer@customer.example.com";

    private static GraphSendOptions Options(string baseUrl) => new()
    {
        TenantId = "11111111-2222-3333-4444-555555555555",
        ClientId = "66666666-7777-8888-9999-000000000000",
        ClientSecret = "not-used-by-the-fake",
        BaseUrl = baseUrl,
    };

    private static GraphServiceClient Client(string baseUrl) => GraphClients.Create(Options(baseUrl), new StaticTokenCredential("graph-test-token"));

    private static ApproverDirectory Approvers(IManagerDirectory managers) => new(managers, NullLogger<ApproverDirectory>.Instance);

    private static GraphManagerDirectory Directory(string baseUrl, TimeProvider? time = null) =>
        new(Client(baseUrl), time ?? TimeProvider.System, NullLogger<GraphManagerDirectory>.Instance);

    [Test]
    public async Task The_senders_manager_from_Graph_is_the_approver_asked_for_by_mail_and_user_principal_name()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        graph.Managers[Sender] = "Bucho@Example.co.jp";

        var found = await Approvers(Directory(graph.BaseUrl)).FindAsync(["manager", "kacho@example.co.jp"], "Tanaka@Example.co.jp", CancellationToken.None);

        found.Should().Equal(Manager, "kacho@example.co.jp");
        var request = graph.ManagerRequests.Should().ContainSingle().Subject;
        request.User.Should().Be(Sender);
        request.Query.Should().Contain("$select=mail,userPrincipalName");
        request.Authorization.Should().Be("Bearer graph-test-token");
    }

    [Test]
    public async Task No_manager_in_Entra_ID_finds_nobody_and_the_answer_is_kept_for_a_few_minutes()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var directory = Directory(graph.BaseUrl, time);

        (await Approvers(directory).FindAsync(["manager"], Sender, CancellationToken.None)).Should().BeEmpty("an admin decides");
        (await directory.ManagerOfAsync(Sender, CancellationToken.None)).Should().BeNull();
        graph.ManagerRequests.Should().HaveCount(1, "the 404 is an answer, kept");

        graph.Managers[Sender] = Manager; // a manager is set in Entra ID
        time.Advance(GraphManagerDirectory.CacheFor - TimeSpan.FromSeconds(1));
        (await directory.ManagerOfAsync(Sender, CancellationToken.None)).Should().BeNull("still the kept answer");
        time.Advance(TimeSpan.FromSeconds(2));
        (await directory.ManagerOfAsync(Sender, CancellationToken.None)).Should().Be(Manager, "after a few minutes Graph is asked again");
        graph.ManagerRequests.Should().HaveCount(2);
    }

    [Test]
    public async Task A_manager_found_is_kept_so_a_burst_of_mail_asks_once()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        graph.Managers[Sender] = Manager;
        var directory = Directory(graph.BaseUrl);

        for (var i = 0; i < 5; i++)
        {
            (await directory.ManagerOfAsync(Sender, CancellationToken.None)).Should().Be(Manager);
        }

        graph.ManagerRequests.Should().HaveCount(1);
    }

    [Test]
    public async Task Graph_unreachable_finds_nobody_and_is_not_kept()
    {
        var port = FreePort(); // nothing listens there
        var directory = Directory($"http://127.0.0.1:{port}/v1.0");

        (await Approvers(directory).FindAsync(["manager"], Sender, CancellationToken.None)).Should().BeEmpty();

        await using var graph = await FakeGraphServer.StartAsync();
        graph.Managers[Sender] = Manager;
        var later = Directory(graph.BaseUrl);
        (await later.ManagerOfAsync(Sender, CancellationToken.None)).Should().Be(Manager);
    }

    [Test]
    public async Task Graph_too_slow_finds_nobody_within_the_time_allowed()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        graph.Managers[Sender] = Manager;
        graph.ManagerDelay = TimeSpan.FromSeconds(30);
        var directory = new GraphManagerDirectory(Client(graph.BaseUrl), TimeProvider.System, NullLogger<GraphManagerDirectory>.Instance)
        {
            Timeout = TimeSpan.FromSeconds(1),
        };

        (await Approvers(directory).FindAsync(["manager"], Sender, CancellationToken.None)).Should().BeEmpty();
        graph.ManagerRequests.Should().ContainSingle("it was asked, and the answer did not come in time");

        graph.ManagerDelay = TimeSpan.Zero;
        (await directory.ManagerOfAsync(Sender, CancellationToken.None)).Should().Be(Manager, "a lookup that timed out is not kept");
    }

    [Test]
    public async Task The_sender_is_never_their_own_approver()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        graph.Managers[Sender] = "TANAKA@example.co.jp"; // the top of the tree: Entra ID names the sender

        (await Approvers(Directory(graph.BaseUrl)).FindAsync(["manager", Sender, "kacho@example.co.jp"], Sender, CancellationToken.None))
            .Should().Equal("kacho@example.co.jp");
        (await Approvers(Directory(graph.BaseUrl)).FindAsync(["manager"], Sender, CancellationToken.None)).Should().BeEmpty("an admin decides");
    }

    [Test]
    public async Task Mail_under_an_approval_rule_waits_for_the_senders_manager_from_Graph_who_is_asked_by_mail()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        graph.Managers[Sender] = Manager;
        await using var gateway = await StartAsync(graph.BaseUrl);

        var reply = await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, [Customer], "御見積", TestMessages.AesZip, "見積.zip"), Sender, Customer);
        reply.Should().Contain("awaiting approval");
        var message = (await gateway.Get<WaitingStore>().GetAsync(Mailer.QueueIdOf(reply), CancellationToken.None))!;
        message.State.Should().Be(MessageState.AwaitingApproval);
        message.Approvers.Should().Equal(Manager);

        var delivered = await gateway.WaitForPickupAsync(1);
        delivered.Should().ContainSingle("the approval request, not the message");
        (await File.ReadAllTextAsync(delivered[0][..^4] + ".envelope.json")).Should().Contain(Manager).And.NotContain(Customer);
    }

    [TestCase("none", TestName = "Without a manager in Entra ID the mail waits for an admin and is not sent")]
    [TestCase("unreachable", TestName = "With Graph unreachable the mail waits for an admin and is not sent")]
    [TestCase("slow", TestName = "With Graph too slow the mail waits for an admin and is not sent")]
    public async Task Without_a_manager_found_the_mail_waits_for_an_admin(string graphState)
    {
        await using var graph = await FakeGraphServer.StartAsync();
        if (graphState == "slow")
        {
            graph.Managers[Sender] = Manager;
            graph.ManagerDelay = TimeSpan.FromSeconds(30);
        }

        await using var gateway = await StartAsync(graphState == "unreachable" ? $"http://127.0.0.1:{FreePort()}/v1.0" : graph.BaseUrl);
        var reply = await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail(Sender, [Customer], "御見積", TestMessages.AesZip, "見積.zip"), Sender, Customer);

        reply.Should().Contain("awaiting approval");
        var message = (await gateway.Get<WaitingStore>().GetAsync(Mailer.QueueIdOf(reply), CancellationToken.None))!;
        message.State.Should().Be(MessageState.AwaitingApproval);
        message.Approvers.Should().BeEmpty("an admin decides");
        (await PasswordMailTests.AuditAsync(gateway, "approval-request")).Should().ContainSingle().Which.Should().Contain("an admin decides");
        await Task.Delay(1500);
        (await gateway.WaitForPickupAsync(1, TimeSpan.FromMilliseconds(100))).Should().BeEmpty("nothing is sent: not the message, and there is no approver to ask");
    }

    [Test]
    public void A_half_configured_Graph_names_each_missing_key()
    {
        var errors = new WaitingOptionsValidator().Validate(null, new WaitingOptions { Graph = new GraphSendOptions { TenantId = "11111111-2222-3333-4444-555555555555" } }).Failures;
        errors.Should().HaveCount(2);
        errors.Should().Contain(e => e.StartsWith("SafeMail:Waiting:Graph:ClientId: ", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Waiting:Graph:ClientSecret: ", StringComparison.Ordinal));
        new WaitingOptionsValidator().Validate(null, new WaitingOptions { Graph = Options("http://graph.example.com/v1.0") }).Failures.Should().ContainSingle()
            .Which.Should().StartWith("SafeMail:Waiting:Graph:BaseUrl: ");
        new WaitingOptionsValidator().Validate(null, new WaitingOptions()).Succeeded.Should().BeTrue("no Graph: manager finds nobody");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static Task<TestGateway> StartAsync(string graphBaseUrl) => TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Waiting:Graph:TenantId"] = "11111111-2222-3333-4444-555555555555",
            ["SafeMail:Waiting:Graph:ClientId"] = "66666666-7777-8888-9999-000000000000",
            ["SafeMail:Waiting:Graph:ClientSecret"] = "not-used-by-the-fake",
            ["SafeMail:Waiting:Graph:BaseUrl"] = graphBaseUrl,
            ["SafeMail:Policy:Rules:0:Name"] = "external-approval",
            ["SafeMail:Policy:Rules:0:Action"] = "Approve",
            ["SafeMail:Policy:Rules:0:Approvers:0"] = "manager",
            ["SafeMail:Policy:Rules:0:When:Recipients"] = "AnyExternal",
            ["SafeMail:Policy:Rules:1:Name"] = "rest",
            ["SafeMail:Policy:Rules:1:Action"] = "Pass",
        },
        // The gateway's own registration from these settings, with a fixed token instead of Azure.Identity's sign-in.
        services: s => s.AddSingleton<Func<GraphSendOptions, GraphServiceClient>>(_ => options => GraphClients.Create(options, new StaticTokenCredential("graph-test-token"))));
}
