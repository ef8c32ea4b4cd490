using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Core.Tests.Policy;

public class PolicyOptionsValidatorTests
{
    [Test]
    public void The_default_policy_is_valid()
    {
        PolicyOptionsValidator.Check(PolicyDefaults.Create("example.co.jp")).Should().BeEmpty();
    }

    [Test]
    public void An_unknown_kind_is_named_with_its_full_key()
    {
        var policy = PolicyDefaults.Create("example.co.jp");
        policy.Rules[1].When.Attachment!.Kinds = ["executable", "exe"];
        PolicyOptionsValidator.Check(policy).Should().ContainSingle()
            .Which.Should().StartWith("SafeMail:Policy:Rules:1:When:Attachment:Kinds:1:").And.Contain("'exe'").And.Contain("「exe」");
    }

    [Test]
    public void ZipCrypto_domains_are_checked_like_internal_domains_and_any_listed_recipient_makes_the_archive_ZipCrypto()
    {
        var policy = PolicyDefaults.Create("example.co.jp");
        policy.ZipCryptoDomains = ["old-partner.example.jp", "bad..domain"];
        PolicyOptionsValidator.Check(policy).Should().ContainSingle().Which.Should().StartWith("SafeMail:Policy:ZipCryptoDomains:1:");

        policy.ZipCryptoDomains = ["old-partner.example.jp", "*.windows.example"];
        var evaluator = new PolicyEvaluator(policy);
        evaluator.WantsZipCrypto(["buyer@customer.example.com"]).Should().BeFalse();
        evaluator.WantsZipCrypto(["buyer@customer.example.com", "Sato@Old-Partner.example.jp"]).Should().BeTrue();
        evaluator.WantsZipCrypto(["a@pc.windows.example"]).Should().BeTrue();
        evaluator.WantsZipCrypto(["a@windows.example"]).Should().BeFalse("a wildcard is for subdomains only, as for internal domains");
    }

    [Test]
    public void File_delivery_domains_are_checked_by_key_and_a_message_takes_the_strictest_form_its_external_domains_allow()
    {
        var policy = PolicyDefaults.Create("example.co.jp");
        policy.FileDelivery = new FileDeliveryOptions
        {
            Domains = [new() { Domain = "bad..domain", Mode = FileDeliveryMode.Link }, new() { Domain = "a.example", Mode = (FileDeliveryMode)9 },
                new() { Domain = "A.example", Mode = FileDeliveryMode.Zip }],
        };
        PolicyOptionsValidator.Check(policy).Select(e => e[..e.IndexOf(": ", StringComparison.Ordinal)]).Should().BeEquivalentTo(
            "SafeMail:Policy:FileDelivery:Domains:0:Domain", "SafeMail:Policy:FileDelivery:Domains:1:Mode", "SafeMail:Policy:FileDelivery:Domains:2:Domain");

        policy.FileDelivery = new FileDeliveryOptions
        {
            Default = FileDeliveryMode.Zip,
            Domains = [new() { Domain = "link.example", Mode = FileDeliveryMode.Link }, new() { Domain = "*.plain.example", Mode = FileDeliveryMode.Plain },
                new() { Domain = "block.example", Mode = FileDeliveryMode.Block }],
        };
        var evaluator = new PolicyEvaluator(policy);
        evaluator.FileDeliveryFor("a@link.example").Should().Be(FileDeliveryMode.Link);
        evaluator.FileDeliveryFor("a@mx.plain.example").Should().Be(FileDeliveryMode.Plain);
        evaluator.FileDeliveryFor("a@other.example").Should().Be(FileDeliveryMode.Zip, "the default");
        evaluator.FileDeliveryFor(["a@mx.plain.example", "suzuki@example.co.jp"]).Should().Be(FileDeliveryMode.Plain, "internal recipients follow the external ones");
        evaluator.FileDeliveryFor(["a@mx.plain.example", "b@other.example"]).Should().Be(FileDeliveryMode.Zip);
        evaluator.FileDeliveryFor(["a@link.example", "b@other.example"]).Should().Be(FileDeliveryMode.Link, "a link reaches every recipient");
        evaluator.FileDeliveryFor(["a@link.example", "b@block.example"]).Should().Be(FileDeliveryMode.Block);
        evaluator.FileDeliveryFor(["suzuki@example.co.jp"]).Should().Be(FileDeliveryMode.Plain, "internal only");
    }

    [Test]
    public void Every_problem_is_reported_not_only_the_first()
    {
        var policy = PolicyDefaults.Create("example..co.jp");
        policy.AllowedUnprotectedKinds = ["unknown", "docx"];
        policy.Limits.MaxDepth = 0;
        policy.Rules.Insert(0, new PolicyRule { Name = "disguised", Action = (PolicyAction)99 });
        policy.Rules.Add(new PolicyRule { Name = "tail", When = new RuleConditions { Senders = ["not an address"] } });

        var errors = PolicyOptionsValidator.Check(policy);
        errors.Should().Contain(e => e.StartsWith("SafeMail:Policy:InternalDomains:0:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Policy:AllowedUnprotectedKinds:0:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Policy:AllowedUnprotectedKinds:1:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Policy:Limits:MaxDepth:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Policy:Rules:0:Action:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Policy:Rules:1:Name:", StringComparison.Ordinal) && e.Contains("disguised"));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Policy:Rules:7:When:Senders:0:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Policy:Rules:7:When:", StringComparison.Ordinal) && e.Contains("last rule"));
    }

    [Test]
    public void A_misspelt_setting_stops_binding_and_names_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Rules:0:Name"] = "x",
            ["SafeMail:Policy:Rules:0:Actoin"] = "Pass",
        }).Build();
        var bind = () => PolicyConfiguration.Bind(configuration);
        bind.Should().Throw<SettingsException>().Which.Errors.Should().ContainSingle()
            .Which.Should().StartWith("SafeMail:Policy:Rules:0:Actoin: 不明な設定です");
    }

    [Test]
    public void A_bad_action_value_names_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Rules:0:Name"] = "x",
            ["SafeMail:Policy:Rules:0:Action"] = "Delete",
        }).Build();
        var bind = () => PolicyConfiguration.Bind(configuration);
        bind.Should().Throw<SettingsException>().Which.Errors.Should().ContainSingle()
            .Which.Should().Be("SafeMail:Policy:Rules:0:Action: 「Delete」は Pass | Quarantine | Reject | Hold | Approve | ConvertToBcc | Encrypt | Link | ByDomain として読めません / 'Delete' is not a valid Pass | Quarantine | Reject | Hold | Approve | ConvertToBcc | Encrypt | Link | ByDomain");
    }

    [Test]
    public void Numbers_for_enums_and_bad_numbers_are_refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Rules:0:Name"] = "x",
            ["SafeMail:Policy:Rules:0:Action"] = "2",
            ["SafeMail:Policy:Limits:MaxDepth"] = "five",
            ["SafeMail:Policy:Limits:Timeout"] = "soon",
            ["SafeMail:Policy:Rules:0:When:Attachment:Unprotected"] = "yes",
        }).Build();
        var bind = () => PolicyConfiguration.Bind(configuration);
        bind.Should().Throw<SettingsException>().Which.Errors.Select(e => e[..e.IndexOf(": ", StringComparison.Ordinal)]).Should().BeEquivalentTo(
            "SafeMail:Policy:Rules:0:Action", "SafeMail:Policy:Limits:MaxDepth", "SafeMail:Policy:Limits:Timeout", "SafeMail:Policy:Rules:0:When:Attachment:Unprotected");
    }

    [Test]
    public void Without_configured_rules_the_shipping_rules_apply_and_configured_rules_replace_them_entirely()
    {
        var none = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeMail:Policy:InternalDomains:0"] = "example.co.jp",
        }).Build();
        PolicyConfiguration.Bind(none).Rules.Select(r => r.Name).Should().Equal(PolicyDefaults.Rules().Select(r => r.Name));

        var one = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeMail:Policy:Rules:0:Name"] = "only",
            ["SafeMail:Policy:Rules:0:Action"] = "Quarantine",
        }).Build();
        PolicyConfiguration.Bind(one).Rules.Should().ContainSingle().Which.Action.Should().Be(PolicyAction.Quarantine);
    }
}
