using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Core.Tests.Settings;

public class SettingsCheckerTests
{
    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(ConfirmationOptions.SectionName);

    [Test]
    public void Dictionary_keys_are_free_but_their_values_are_checked()
    {
        var options = SettingsChecker.Bind<ConfirmationOptions>(Section(new()
        {
            ["SafeMail:Confirmation:Keys:2026a"] = "a2V5",
            ["SafeMail:Confirmation:Keys:2026b"] = "a2V5Mg==",
            ["SafeMail:Confirmation:MaxAge"] = "12:00:00",
        }));
        options.Keys.Keys.Should().BeEquivalentTo("2026a", "2026b");
        options.MaxAge.Should().Be(TimeSpan.FromHours(12));
    }

    [Test]
    public void Nested_values_where_one_value_belongs_and_a_value_where_nesting_belongs_are_named()
    {
        var errors = SettingsChecker.Check(Section(new()
        {
            ["SafeMail:Confirmation:MaxAge:Hours"] = "3",
            ["SafeMail:Confirmation:Keys"] = "not-a-dictionary",
            ["SafeMail:Confirmation:ClockSkew"] = "five minutes",
        }), typeof(ConfirmationOptions));
        errors.Select(e => e[..e.IndexOf(": ", StringComparison.Ordinal)]).Should().BeEquivalentTo(
            "SafeMail:Confirmation:MaxAge", "SafeMail:Confirmation:Keys", "SafeMail:Confirmation:ClockSkew");
    }

    [Test]
    public void A_missing_section_binds_the_defaults()
    {
        SettingsChecker.Bind<ConfirmationOptions>(Section([])).Should().BeEquivalentTo(new ConfirmationOptions());
    }

    [Test]
    public void A_configured_list_replaces_its_defaults_instead_of_being_appended_to()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Limits:MaxDepth"] = "3",
            ["SafeMail:Policy:InternalDomains:0"] = "example.co.jp",
        }).Build();
        var options = SettingsChecker.Bind<Lists>(configuration.GetSection("SafeMail:Policy"));
        options.InternalDomains.Should().Equal("example.co.jp");
        options.Untouched.Should().Equal("default");
        options.Limits.MaxDepth.Should().Be(3);
    }

    private sealed class Lists
    {
        public List<string> InternalDomains { get; set; } = ["default-a", "default-b"];
        public List<string> Untouched { get; set; } = ["default"];
        public Miraie.SafeMail.Core.Inspection.InspectionLimits Limits { get; set; } = new();
    }
}
