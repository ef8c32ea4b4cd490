using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Accounts;

/// <summary><c>SafeMail:Console:EntraId</c> is checked at start and every problem is named by key, in Japanese and English.</summary>
public class EntraSignInSettingsTests
{
    [Test]
    public void Complete_settings_bind_with_the_default_cloud_and_role_names()
    {
        var entra = ConsoleSettings.Bind(Configuration(FakeEntraId.ConsoleSettings())).EntraId!;

        entra.Instance.Should().Be("https://login.microsoftonline.com/");
        entra.ConsoleRoleFor(["SafeMail.Operator", "SafeMail.Admin"]).Should().Be("admin", "the widest mapped role wins");
        entra.ConsoleRoleFor(["SafeMail.Auditor"]).Should().Be("auditor");
        entra.ConsoleRoleFor(["safemail.admin", "Admin"]).Should().BeNull("app role values are compared exactly; no default role");
    }

    [Test]
    public void A_user_without_a_console_role_is_a_sender_unless_senders_are_not_admitted_or_lack_the_sender_role()
    {
        var settings = FakeEntraId.ConsoleSettings();
        var entra = ConsoleSettings.Bind(Configuration(settings)).EntraId!;
        entra.SessionRoleFor([]).Should().Be("sender", "every user of the tenant is admitted as a sender by default");
        entra.SessionRoleFor(["SafeMail.Operator"]).Should().Be("operator", "a console role comes first");

        settings["SafeMail:Console:EntraId:SenderRole"] = "SafeMail.Sender";
        var byRole = ConsoleSettings.Bind(Configuration(settings)).EntraId!;
        byRole.SessionRoleFor(["Other"]).Should().BeNull();
        byRole.SessionRoleFor(["SafeMail.Sender"]).Should().Be("sender");

        settings["SafeMail:Console:EntraId:AdmitSenders"] = "false";
        ConsoleSettings.Bind(Configuration(settings)).EntraId!.SessionRoleFor(["SafeMail.Sender"]).Should().BeNull();
    }

    [Test]
    public void Missing_and_malformed_values_are_named_by_key()
    {
        var settings = new Dictionary<string, string?>
        {
            ["SafeMail:Console:EntraId:Instance"] = "http://login.example.com/",
            ["SafeMail:Console:EntraId:TenantId"] = "organizations",
            ["SafeMail:Console:EntraId:ClientId"] = "safemail-console",
            ["SafeMail:Console:EntraId:OperatorRole"] = "SafeMail.Admin",
            ["SafeMail:Console:EntraId:RedirectUri"] = "http://safemail.example.co.jp/callback",
        };

        var errors = Errors(Configuration(settings));

        errors.Should().Contain(e => e.StartsWith("SafeMail:Console:EntraId:Instance: ", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Console:EntraId:TenantId: 「organizations」", StringComparison.Ordinal) && e.Contains("one tenant only", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Console:EntraId:ClientId: 「safemail-console」", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Console:EntraId:ClientSecret: ", StringComparison.Ordinal) && e.Contains("SafeMail__Console__EntraId__ClientSecret", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("must be different app roles", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Console:EntraId:RedirectUri: ", StringComparison.Ordinal));
    }

    [Test]
    public void A_client_secret_in_a_settings_file_stops_the_start()
    {
        var file = Path.Combine(Path.GetTempPath(), $"safemail-entra-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, $$"""
            { "SafeMail": { "Console": { "EntraId": {
              "TenantId": "{{FakeEntraId.TenantId}}", "ClientId": "{{FakeEntraId.ConsoleClientId}}", "ClientSecret": "written-down" } } } }
            """);
        try
        {
            var errors = Errors(new ConfigurationBuilder().AddJsonFile(file).Build());

            errors.Should().ContainSingle().Which.Should().StartWith("SafeMail:Console:EntraId:ClientSecret: ").And.Contain("must not be in a settings file");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> settings) => new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static IReadOnlyList<string> Errors(IConfiguration configuration)
    {
        var act = () => ConsoleSettings.Bind(configuration);
        return act.Should().Throw<SettingsException>().Which.Errors;
    }
}
