using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Core.Tests.Policy;

/// <summary>appsettings.sample.json documents the shipping defaults; these tests keep the file and the code equal.</summary>
public class SampleSettingsTests
{
    private static IConfiguration Sample() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(TestPaths.RepositoryRoot, "appsettings.sample.json"), optional: false)
        .Build();

    [Test]
    public void The_sample_policy_is_valid_and_its_rules_are_the_shipping_rules()
    {
        var policy = PolicyConfiguration.Bind(Sample());
        PolicyOptionsValidator.Check(policy).Should().BeEmpty();
        JsonSerializer.Serialize(policy.Rules).Should().Be(JsonSerializer.Serialize(PolicyDefaults.Rules()));
    }

    [Test]
    public void The_sample_limits_and_confirmation_settings_are_the_defaults()
    {
        var policy = PolicyConfiguration.Bind(Sample());
        policy.Limits.Should().BeEquivalentTo(new InspectionLimits());
        policy.AllowedUnprotectedKinds.Should().BeEmpty();

        var confirmation = new ConfirmationOptions();
        Sample().GetSection(ConfirmationOptions.SectionName).Bind(confirmation);
        confirmation.Should().BeEquivalentTo(new ConfirmationOptions());
    }
}
