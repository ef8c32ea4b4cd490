using System.Net;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>Admins managing accounts: the last-admin rule under real concurrency, and a confirmation before demoting or disabling.</summary>
[NonParallelizable]
public class UserAdministrationTests
{
    private ConsoleHost _host = null!;

    [SetUp]
    public async Task StartAsync() => _host = await ConsoleHost.StartAsync();

    [TearDown]
    public void Stop() => _host.Dispose();

    private async Task<long> EnabledAdminsAsync()
    {
        await using var connection = await _host.Database.OpenAsync();
        return await ConsoleUsers.CountEnabledAdminsAsync(connection);
    }

    // Opens the confirmation page (for its antiforgery token) and returns the form it would send.
    private static async Task<FormUrlEncodedContent> ConfirmationAsync(HttpClient admin, string op, string name, string? role = null)
    {
        var fields = new Dictionary<string, string> { ["op"] = op, ["name"] = name };
        if (role is not null)
        {
            fields["role"] = role;
        }

        var query = string.Join('&', fields.Select(f => f.Key + "=" + Uri.EscapeDataString(f.Value)));
        fields["__RequestVerificationToken"] = await ConsoleHost.TokenAsync(admin, "/users/confirm?" + query);
        return new FormUrlEncodedContent(fields);
    }

    private static async Task<HttpResponseMessage> ChangeAsync(HttpClient admin, string op, string name, string? role = null) =>
        await admin.PostAsync("/users/confirm", await ConfirmationAsync(admin, op, name, role));

    [TestCase("role")]
    [TestCase("disable")]
    public async Task Two_admins_removing_each_other_at_the_same_moment_always_leave_an_admin(string op)
    {
        await using (var connection = await _host.Database.OpenAsync())
        {
            await ConsoleUsers.AddAsync(connection, "admin2", ConsoleHost.Password, ConsoleRoles.Admin, DateTimeOffset.UtcNow);
        }

        for (var round = 0; round < 20; round++)
        {
            using var first = await _host.SignedInAsync("admin1");
            using var second = await _host.SignedInAsync("admin2");
            // Both confirmation pages are open before either form is sent; then both are sent at once.
            using var fromFirst = await ConfirmationAsync(first, op, "admin2", ConsoleRoles.Operator);
            using var fromSecond = await ConfirmationAsync(second, op, "admin1", ConsoleRoles.Operator);
            var sent = await Task.WhenAll(first.PostAsync("/users/confirm", fromFirst), second.PostAsync("/users/confirm", fromSecond));
            sent.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Redirect);
            (await EnabledAdminsAsync()).Should().Be(1, $"round {round}: exactly one of the two changes may succeed");

            await using var connection = await _host.Database.OpenAsync();
            foreach (var name in new[] { "admin1", "admin2" })
            {
                await ConsoleUsers.SetDisabledAsync(connection, name, false);
                await ConsoleUsers.SetRoleAsync(connection, name, ConsoleRoles.Admin);
            }
        }
    }

    [Test]
    public async Task Demoting_asks_first_and_warns_an_admin_demoting_themselves()
    {
        await using (var connection = await _host.Database.OpenAsync())
        {
            await ConsoleUsers.AddAsync(connection, "admin2", ConsoleHost.Password, ConsoleRoles.Admin, DateTimeOffset.UtcNow);
        }

        using var admin = await _host.SignedInAsync("admin1");
        var users = await admin.GetStringAsync("/users");
        users.Should().Contain("action=\"/users/confirm\"", "role changes and disabling go through the confirmation page")
            .And.NotContain("handler=Role").And.NotContain("handler=Disable");

        var page = await admin.GetStringAsync("/users/confirm?op=role&name=admin1&role=auditor");
        page.Should().Contain("admin1").And.Contain("監査担当").And.Contain("あなた自身");
        (await EnabledAdminsAsync()).Should().Be(2, "opening the confirmation changes nothing");

        using var confirmed = await ChangeAsync(admin, "role", "admin1", ConsoleRoles.Auditor);
        confirmed.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await EnabledAdminsAsync()).Should().Be(1);
        using var after = await admin.GetAsync("/users");
        after.StatusCode.Should().Be(HttpStatusCode.Redirect, "the demoted admin's session ended with the role change");
    }

    [Test]
    public async Task The_last_admin_is_told_why_and_offered_no_confirm_button()
    {
        using var admin = await _host.SignedInAsync("admin1");
        foreach (var path in new[] { "/users/confirm?op=role&name=admin1&role=operator", "/users/confirm?op=disable&name=admin1" })
        {
            var page = await admin.GetStringAsync(path);
            page.Should().Contain("最後の有効な管理者", path).And.NotContain("type=\"submit\"", path);
        }

        using var demote = await ChangeAsync(admin, "role", "admin1", ConsoleRoles.Operator);
        using var disable = await ChangeAsync(admin, "disable", "admin1");
        await using var connection = await _host.Database.OpenAsync();
        var user = (await ConsoleUsers.GetAsync(connection, "admin1"))!;
        user.Role.Should().Be(ConsoleRoles.Admin);
        user.Disabled.Should().BeFalse();
    }

    [Test]
    public async Task Disabling_asks_first_and_ends_the_accounts_open_session()
    {
        using var operatorClient = await _host.SignedInAsync("operator1");
        using var admin = await _host.SignedInAsync("admin1");
        var page = await admin.GetStringAsync("/users/confirm?op=disable&name=operator1");
        page.Should().Contain("operator1").And.Contain("無効");

        using var disable = await ChangeAsync(admin, "disable", "operator1");
        disable.StatusCode.Should().Be(HttpStatusCode.Redirect);
        using var after = await operatorClient.GetAsync("/quarantine");
        after.StatusCode.Should().Be(HttpStatusCode.Redirect);
        after.Headers.Location!.ToString().Should().Contain("/login");

        using var enable = await ConsoleHost.PostFormAsync(admin, "/users?handler=Enable", new() { ["name"] = "operator1" }, "/users");
        enable.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await using var connection = await _host.Database.OpenAsync();
        (await ConsoleUsers.GetAsync(connection, "operator1"))!.Disabled.Should().BeFalse("enabling needs no confirmation");
    }
}
