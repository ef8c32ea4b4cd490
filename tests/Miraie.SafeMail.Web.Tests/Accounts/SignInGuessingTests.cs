using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Accounts;

/// <summary>
/// Password guessing against the sign-in form over real sockets, each client from its own loopback address: bounded input,
/// waiting instead of locking, the same answer for names that do not exist, and nobody locked out by a stranger.
/// The limits are made small (and the waits long) for the tests; their shipping values are in SignInThrottleLimits.
/// </summary>
[NonParallelizable]
public partial class SignInGuessingTests
{
    private static readonly SignInThrottleLimits Small = new()
    {
        PerPair = 3, PerAddress = 6, PerAccount = 10, FirstWait = TimeSpan.FromMinutes(10), MaxWait = TimeSpan.FromMinutes(15),
    };

    private ConsoleHost _host = null!;

    [SetUp]
    public async Task StartAsync() => _host = await ConsoleHost.StartAsync(kestrel: true, testServices: s => s.AddSingleton(Small));

    [TearDown]
    public void Stop() => _host.Dispose();

    private HttpClient From(int address) => LoopbackClient.Create(_host.BaseAddress!, LoopbackClient.Address(address));

    private static async Task<(HttpStatusCode Status, string Alert, string Html)> SignInAsync(HttpClient client, string name, string password)
    {
        using var response = await ConsoleHost.PostFormAsync(client, "/login", new() { ["name"] = name, ["password"] = password });
        var html = await response.Content.ReadAsStringAsync();
        var alert = AlertPattern().Match(html);
        return (response.StatusCode, alert.Success ? WebUtility.HtmlDecode(alert.Groups[1].Value) : "", html);
    }

    [Test]
    public async Task An_oversized_user_name_or_password_is_refused_clearly_never_echoed_and_never_audited()
    {
        using var client = From(2);
        var huge = new string('x', 3 * 1024 * 1024);
        var (status, _, html) = await SignInAsync(client, huge, "whatever-password");
        ((int)status).Should().BeOneOf(400, 413);
        html.Should().NotContain(new string('x', 1000), "the name is not echoed");
        html.Length.Should().BeLessThan(64 * 1024);

        var (longStatus, longAlert, longHtml) = await SignInAsync(client, new string('y', SignInLimits.MaxNameLength + 1), "whatever-password");
        longStatus.Should().Be(HttpStatusCode.BadRequest);
        longAlert.Should().Contain(SignInLimits.MaxNameLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        longHtml.Should().NotContain(new string('y', 200));

        var (passwordStatus, passwordAlert, _) = await SignInAsync(client, "admin1", new string('p', SignInLimits.MaxPasswordLength + 1));
        passwordStatus.Should().Be(HttpStatusCode.BadRequest);
        passwordAlert.Should().Contain(SignInLimits.MaxPasswordLength.ToString(System.Globalization.CultureInfo.InvariantCulture));

        (await _host.AuditAsync()).Should().NotContain(r => r.Actor.Length > SignInLimits.MaxNameLength + 10 || r.Detail.Length > 1000);
    }

    [Test]
    public async Task A_stranger_guessing_many_times_does_not_lock_the_user_out()
    {
        using var stranger = From(66);
        for (var i = 0; i < 30; i++)
        {
            var (status, _, _) = await SignInAsync(stranger, "admin1", "wrong-password-" + i);
            status.Should().BeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests);
        }

        var (refused, _, _) = await SignInAsync(stranger, "admin1", ConsoleHost.Password);
        refused.Should().Be(HttpStatusCode.TooManyRequests, "the stranger's own address must wait, even with the right password");

        using var user = From(2);
        var (status2, alert, _) = await SignInAsync(user, "admin1", ConsoleHost.Password);
        status2.Should().Be(HttpStatusCode.Redirect, alert);
    }

    [Test]
    public async Task A_name_that_does_not_exist_gets_the_same_answers_as_one_that_does()
    {
        await using (var connection = await _host.Database.OpenAsync())
        {
            await ConsoleUsers.AddAsync(connection, "disabled1", ConsoleHost.Password, ConsoleRoles.Operator, DateTimeOffset.UtcNow);
            await ConsoleUsers.SetDisabledAsync(connection, "disabled1", true);
        }

        var answers = new Dictionary<string, List<(HttpStatusCode, string)>>();
        var address = 10;
        foreach (var name in new[] { "operator1", "no-such-user", "disabled1" })
        {
            using var client = From(address++);
            answers[name] = [];
            for (var i = 0; i < 8; i++)
            {
                var (status, alert, _) = await SignInAsync(client, name, "wrong-password-" + i);
                answers[name].Add((status, alert));
            }
        }

        answers["no-such-user"].Should().Equal(answers["operator1"]);
        answers["disabled1"].Should().Equal(answers["operator1"]);
        answers["operator1"].Select(a => a.Item1).Should().Contain(HttpStatusCode.TooManyRequests, "repeated guesses from one address are slowed");
    }

    [Test]
    public async Task Guessing_from_one_address_makes_it_wait_even_with_the_right_password_until_an_admin_clears_it()
    {
        using var client = From(20);
        for (var i = 0; i < Small.PerPair; i++)
        {
            (await SignInAsync(client, "operator1", "wrong-password-" + i)).Status.Should().Be(HttpStatusCode.Unauthorized);
        }

        var (status, alert, _) = await SignInAsync(client, "operator1", ConsoleHost.Password);
        status.Should().Be(HttpStatusCode.TooManyRequests);
        alert.Should().Contain("お待ちください");

        using var admin = From(3);
        (await SignInAsync(admin, "admin1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.Redirect);
        var users = await admin.GetStringAsync("/users");
        users.Should().Contain("待機中", "the users page shows who must wait");
        using var clear = await ConsoleHost.PostFormAsync(admin, "/users?handler=Unlock", new() { ["name"] = "operator1" }, "/users");
        clear.StatusCode.Should().Be(HttpStatusCode.Redirect);

        (await SignInAsync(client, "operator1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.Redirect);
        (await _host.AuditAsync()).Should().Contain(r => r.Action == AuditActions.UserChange && r.Detail == "unlock operator1");
    }

    [Test]
    public async Task What_the_command_line_clears_the_console_honours()
    {
        using var client = From(21);
        for (var i = 0; i < Small.PerPair; i++)
        {
            await SignInAsync(client, "auditor1", "wrong-password-" + i);
        }

        (await SignInAsync(client, "auditor1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.TooManyRequests);
        await using (var connection = await _host.Database.OpenAsync())
        {
            (await ConsoleUsers.ClearSignInWaitAsync(connection, "auditor1", DateTimeOffset.UtcNow)).Should().BeTrue(); // what `safemail users unlock` does
        }

        (await SignInAsync(client, "auditor1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.Redirect);
    }

    [Test]
    public async Task Guessing_from_many_addresses_makes_new_browsers_wait_but_not_the_users_own()
    {
        using var own = From(2);
        (await SignInAsync(own, "operator1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.Redirect);
        using (var logout = await ConsoleHost.PostFormAsync(own, "/logout", new(), "/"))
        {
            logout.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        // Two guesses each from five addresses: under the per-address limits, over the account's.
        for (var address = 30; address < 35; address++)
        {
            using var bot = From(address);
            for (var i = 0; i < 2; i++)
            {
                (await SignInAsync(bot, "operator1", $"guess-{address}-{i}")).Status.Should().Be(HttpStatusCode.Unauthorized);
            }
        }

        using var newBrowser = From(40);
        (await SignInAsync(newBrowser, "operator1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.TooManyRequests,
            "a browser that never signed in to this account waits while the account is under attack");
        var (status, alert, _) = await SignInAsync(own, "operator1", ConsoleHost.Password);
        status.Should().Be(HttpStatusCode.Redirect, "the browser the user signed in with before is recognised: " + alert);
        (await SignInAsync(own, "auditor1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.Redirect, "auditor1 is not under attack");
    }

    [Test]
    public async Task Two_console_nodes_behind_one_load_balancer_share_the_wait_and_its_clearing()
    {
        using var second = await ConsoleHost.StartAsync(kestrel: true, testServices: s => s.AddSingleton(Small), sharedWith: _host);
        using var onFirst = From(22);
        using var onSecond = LoopbackClient.Create(second.BaseAddress!, LoopbackClient.Address(22));
        for (var i = 0; i < Small.PerPair; i++)
        {
            var node = i % 2 == 0 ? onFirst : onSecond; // the balancer sends each request where it likes
            (await SignInAsync(node, "operator1", "wrong-password-" + i)).Status.Should().Be(HttpStatusCode.Unauthorized);
        }

        (await SignInAsync(onFirst, "operator1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.TooManyRequests);
        (await SignInAsync(onSecond, "operator1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.TooManyRequests,
            "the other node counts the same failures");

        using var admin = LoopbackClient.Create(second.BaseAddress!, LoopbackClient.Address(3));
        (await SignInAsync(admin, "admin1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.Redirect);
        (await admin.GetStringAsync("/users")).Should().Contain("待機中", "either node's users page shows the wait");
        using var clear = await ConsoleHost.PostFormAsync(admin, "/users?handler=Unlock", new() { ["name"] = "operator1" }, "/users");
        clear.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await SignInAsync(onFirst, "operator1", ConsoleHost.Password)).Status.Should().Be(HttpStatusCode.Redirect, "cleared on one node, cleared on both");
    }

    [GeneratedRegex("<p class=\"error\" role=\"alert\">([^<]*)</p>")]
    private static partial Regex AlertPattern();
}
