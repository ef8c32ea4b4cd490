using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Core.Tests.Policy;

/// <summary>The console stores and diffs policies as JSON: it must read back to the same policy and name problems by key.</summary>
public class PolicyJsonTests
{
    [Test]
    public void The_shipping_policy_written_as_json_reads_back_the_same()
    {
        var policy = new PolicyOptions { InternalDomains = ["example.co.jp", "*.example.co.jp"], AllowedUnprotectedKinds = ["image"], Rules = PolicyDefaults.Rules() };
        var json = PolicyJson.Serialize(policy);
        json.Should().Contain("\"Action\": \"Quarantine\"").And.Contain("社外宛て").And.NotContain("IsEmpty").And.NotContain("\"Senders\": []");
        PolicyJson.Parse(json).Should().BeEquivalentTo(policy);
        PolicyJson.Serialize(PolicyJson.Parse(json)).Should().Be(json, "writing is stable, so diffs show only real changes");
    }

    [Test]
    public void Hold_approval_and_bcc_rules_written_as_json_read_back_the_same()
    {
        var rules = PolicyDefaults.Rules();
        rules.InsertRange(rules.Count - 1,
        [
            new PolicyRule { Name = "bcc-leak", Action = PolicyAction.ConvertToBcc, When = new() { VisibleRecipients = new() { ExternalMoreThan = 9, DomainsMoreThan = 1 } } },
            new PolicyRule { Name = "hold-external", Action = PolicyAction.Hold, HoldFor = TimeSpan.FromMinutes(5), When = new() { Recipients = RecipientScope.AnyExternal } },
            new PolicyRule
            {
                Name = "approve-attachments", Action = PolicyAction.Approve, Approvers = ["manager", "boss@example.co.jp"], DecideWithin = TimeSpan.FromDays(2),
                When = new() { Recipients = RecipientScope.AnyExternal, Attachment = new() { LargerThanBytes = 0 } },
            },
        ]);
        var policy = new PolicyOptions { InternalDomains = ["example.co.jp"], Rules = rules };
        var json = PolicyJson.Serialize(policy);
        json.Should().Contain("\"HoldFor\": \"00:05:00\"").And.Contain("\"DecideWithin\": \"2.00:00:00\"").And.Contain("\"ExternalMoreThan\": 9");
        json.Should().NotContain("\"Approvers\": []", "empty lists are left out, as the other lists are");
        PolicyJson.Parse(json).Should().BeEquivalentTo(policy);
        PolicyJson.Serialize(PolicyJson.Parse(json)).Should().Be(json);
    }

    [Test]
    public void Problems_are_named_by_key_and_broken_json_by_line()
    {
        var bad = () => PolicyJson.Parse("""{ "InternalDomains": ["example.co.jp"], "Rules": [ { "Name": "x", "Action": "Quarantin" }, { "Name": "y", "Action": "Pass" } ] }""");
        bad.Should().Throw<SettingsException>().Which.Errors.Should().Contain(e => e.StartsWith("SafeMail:Policy:Rules:0:Action", StringComparison.Ordinal));

        var last = () => PolicyJson.Parse("""{ "Rules": [ { "Name": "x", "Action": "Pass", "When": { "Recipients": "AnyExternal" } } ] }""");
        last.Should().Throw<SettingsException>("the last rule must have no conditions");

        var broken = () => PolicyJson.Parse("{\n  \"Rules\": [ {\n");
        broken.Should().Throw<SettingsException>().Which.Errors.Single().Should().Contain("JSON").And.Contain("line");

        var misspelt = () => PolicyJson.Parse("""{ "InternalDomain": ["example.co.jp"] }""");
        misspelt.Should().Throw<SettingsException>().Which.Errors.Should().Contain(e => e.Contains("InternalDomain", StringComparison.Ordinal));
    }
}
