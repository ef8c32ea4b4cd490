using System.Net;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>Every page and every form, for anonymous, operator, admin and auditor: the server enforces each role.</summary>
[NonParallelizable]
public class AuthorizationMatrixTests
{
    private ConsoleHost _host = null!;
    private string _id = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await ConsoleHost.StartAsync();
        _id = await Mail.SendAsync(_host.Smtp, Mail.Quote("権限テスト"));
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    // Which roles may GET each page (O operator, A admin, U auditor).
    private static readonly (string Path, string Roles)[] Pages =
    [
        ("/", "OAU"),
        ("/?days=30", "OAU"),
        ("/quarantine", "OA"),
        ("/quarantine?status=all&q=x&sort=size", "OA"),
        ("/quarantine/{id}", "OA"),
        ("/quarantine/confirm?op=release&ids={id}", "OA"),
        ("/quarantine/{id}/original", "A"),
        ("/policy", "A"),
        ("/policy/history", "A"),
        ("/users", "A"),
        ("/users/confirm?op=role&name=operator1&role=auditor", "A"),
        ("/users/confirm?op=disable&name=operator1", "A"),
        ("/audit", "AU"),
        ("/audit/export", "AU"),
        ("/held", "OAU"),
        ("/approvals", "OAU"),
        ("/incidents", "OAU"),
        ("/incidents?state=all", "OAU"),
        ("/incidents/export", "OAU"),
        ("/incidents/report", "OA"),
        ("/incidents/report?id={id}", "OA"),
    ];

    private static readonly (string? User, char Role)[] Users = [(null, '-'), ("operator1", 'O'), ("admin1", 'A'), ("auditor1", 'U')];

    [Test]
    public async Task Every_page_answers_each_role_as_its_policy_says()
    {
        var failures = new List<string>();
        foreach (var (user, role) in Users)
        {
            using var client = await _host.SignedInAsync(user);
            foreach (var (template, roles) in Pages)
            {
                var path = template.Replace("{id}", _id, StringComparison.Ordinal);
                using var response = await client.GetAsync(path);
                var location = response.Headers.Location?.ToString() ?? "";
                var outcome = response.StatusCode == HttpStatusCode.OK ? "allowed"
                    : response.StatusCode == HttpStatusCode.Redirect && location.Contains("/login", StringComparison.Ordinal) ? "sign-in"
                    : response.StatusCode == HttpStatusCode.Redirect && location.Contains("/denied", StringComparison.Ordinal) ? "denied"
                    : $"{(int)response.StatusCode} {location}";
                var expected = user is null ? "sign-in" : roles.Contains(role, StringComparison.Ordinal) ? "allowed" : "denied";
                if (outcome != expected)
                {
                    failures.Add($"{user ?? "anonymous"} GET {path}: {outcome}, expected {expected}");
                }
            }
        }

        failures.Should().BeEmpty();
    }

    // Forms: path, fields, which roles may post. Posted with a valid token taken from a page every role can open.
    private static IEnumerable<(string Path, Dictionary<string, string> Fields, string Roles)> Forms(string id) =>
    [
        ("/quarantine/confirm", new() { ["op"] = "notify", ["ids"] = id }, "OA"),
        ("/policy?handler=Save", new() { ["Form.Rules"] = "not json" }, "A"),
        ("/policy?handler=DryRun", new() { ["dryRunId"] = id }, "A"),
        ("/policy/history?handler=Rollback", new() { ["id"] = "999" }, "A"),
        ("/users?handler=Add", new() { ["name"] = "x", ["role"] = "nobody", ["password"] = "short" }, "A"),
        ("/users/confirm", new() { ["op"] = "role", ["name"] = "nobody", ["role"] = "auditor" }, "A"),
        ("/users/confirm", new() { ["op"] = "disable", ["name"] = "nobody" }, "A"),
        ("/users?handler=Enable", new() { ["name"] = "nobody" }, "A"),
        ("/users?handler=Password", new() { ["name"] = "nobody", ["password"] = "short" }, "A"),
        ("/users?handler=Unlock", new() { ["name"] = "nobody" }, "A"),
        // Not held nor awaiting approval: accepted and answered "not waiting" or "no such message", refused for auditors.
        ($"/held/{id}?handler=Cancel", new(), "OA"),
        ($"/held/{id}?handler=SendNow", new(), "OA"),
        ($"/approvals/{id}?handler=Approve", new(), "OA"),
        ($"/approvals/{id}?handler=Reject", new() { ["reason"] = "x" }, "OA"),
        // 誤送信の報告: reported (the message passed, so "already left") by operators and admins; an incident that does not exist
        // is a 404 for them, refused for auditors.
        ("/incidents/report", new() { ["id"] = id }, "OA"),
        ("/incidents/999999?handler=Log", new() { ["text"] = "x" }, "OA"),
        ("/incidents/999999?handler=Findings", new() { ["rootCause"] = "x" }, "OA"),
        ("/incidents/999999?handler=Close", new(), "OA"),
    ];

    [Test]
    public async Task Every_form_refuses_roles_it_is_not_for_even_with_a_valid_token()
    {
        var failures = new List<string>();
        foreach (var (user, role) in Users)
        {
            using var client = await _host.SignedInAsync(user);
            foreach (var (path, fields, roles) in Forms(_id))
            {
                using var response = await ConsoleHost.PostFormAsync(client, path, new Dictionary<string, string>(fields), user is null ? "/login" : "/");
                var location = response.Headers.Location?.ToString() ?? "";
                var refused = user is null
                    ? response.StatusCode == HttpStatusCode.Redirect && location.Contains("/login", StringComparison.Ordinal)
                    : response.StatusCode == HttpStatusCode.Redirect && location.Contains("/denied", StringComparison.Ordinal);
                var shouldRefuse = user is null || !roles.Contains(role, StringComparison.Ordinal);
                if (refused != shouldRefuse)
                {
                    failures.Add($"{user ?? "anonymous"} POST {path}: {(int)response.StatusCode} {location}, expected {(shouldRefuse ? "refused" : "accepted")}");
                }
            }
        }

        failures.Should().BeEmpty();
    }

    [Test]
    public async Task A_post_without_an_antiforgery_token_is_refused_for_every_form_even_for_an_admin()
    {
        using var admin = await _host.SignedInAsync("admin1");
        foreach (var (path, fields, _) in Forms(_id))
        {
            using var response = await ConsoleHost.PostFormAsync(admin, path, new Dictionary<string, string>(fields), withToken: false);
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, $"POST {path} without a token");
        }

        using var anonymous = _host.Client();
        using var login = await ConsoleHost.PostFormAsync(anonymous, "/login", new() { ["name"] = "admin1", ["password"] = ConsoleHost.Password }, withToken: false);
        login.StatusCode.Should().Be(HttpStatusCode.BadRequest, "even the sign-in form needs its token");
    }

    [Test]
    public async Task Pages_carry_a_content_security_policy_and_never_cache()
    {
        using var admin = await _host.SignedInAsync("admin1");
        using var response = await admin.GetAsync("/quarantine/" + _id);
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("script-src 'self'").And.NotContain("unsafe-inline");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        response.Headers.GetValues("X-Frame-Options").Single().Should().Be("DENY");
    }
}
