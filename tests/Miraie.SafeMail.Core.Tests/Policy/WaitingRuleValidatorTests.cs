using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Core.Tests.Policy;

/// <summary>The settings check names each bad HoldFor, Approvers, DecideWithin and VisibleRecipients by its key, in both languages.</summary>
public class WaitingRuleValidatorTests
{
    private const string Rule0 = "SafeMail:Policy:Rules:0:";

    private static List<string> Check(PolicyRule rule)
    {
        var policy = PolicyDefaults.Create("example.co.jp");
        rule.Name = "first";
        rule.When.Recipients ??= RecipientScope.AnyExternal;
        policy.Rules.Insert(0, rule);
        return PolicyOptionsValidator.Check(policy).ToList();
    }

    private static string Single(PolicyRule rule, string key)
    {
        var errors = Check(rule);
        return errors.Should().ContainSingle().Which.Should().StartWith(Rule0 + key + ": ").And.Subject;
    }

    [Test]
    public void Good_hold_approve_and_convert_rules_pass()
    {
        Check(new PolicyRule { Action = PolicyAction.Hold, HoldFor = TimeSpan.FromMinutes(5) }).Should().BeEmpty();
        Check(new PolicyRule { Action = PolicyAction.Approve, Approvers = ["manager", "kacho@example.co.jp"], DecideWithin = TimeSpan.FromDays(1) }).Should().BeEmpty();
        Check(new PolicyRule { Action = PolicyAction.ConvertToBcc, When = new RuleConditions { VisibleRecipients = new() { ExternalMoreThan = 9, DomainsMoreThan = 0 } } })
            .Should().BeEmpty();
    }

    [Test]
    public void Hold_without_a_duration_names_HoldFor()
    {
        Single(new PolicyRule { Action = PolicyAction.Hold }, "HoldFor").Should().Contain("保留時間").And.Contain("Hold needs a duration");
    }

    [TestCase("00:00:00")]
    [TestCase("7.00:00:01")]
    public void A_hold_out_of_range_names_HoldFor(string hold)
    {
        Single(new PolicyRule { Action = PolicyAction.Hold, HoldFor = TimeSpan.Parse(hold, System.Globalization.CultureInfo.InvariantCulture) }, "HoldFor")
            .Should().Contain("1秒から7日").And.Contain("between 1 second and 7 days");
    }

    [Test]
    public void HoldFor_on_another_action_names_HoldFor()
    {
        Single(new PolicyRule { Action = PolicyAction.Quarantine, HoldFor = TimeSpan.FromMinutes(5) }, "HoldFor").Should().Contain("only a rule whose action is Hold");
    }

    [Test]
    public void Approve_without_approvers_names_Approvers()
    {
        Single(new PolicyRule { Action = PolicyAction.Approve }, "Approvers").Should().Contain("承認者がいません").And.Contain("there are no approvers");
    }

    [Test]
    public void An_approver_that_is_neither_manager_nor_an_address_is_named_by_its_index()
    {
        Single(new PolicyRule { Action = PolicyAction.Approve, Approvers = ["manager", "部長"] }, "Approvers:1")
            .Should().Contain("「部長」").And.Contain("'部長' is neither manager nor an address");
    }

    [Test]
    public void Approvers_on_another_action_name_Approvers()
    {
        Single(new PolicyRule { Action = PolicyAction.Hold, HoldFor = TimeSpan.FromMinutes(1), Approvers = ["manager"] }, "Approvers")
            .Should().Contain("only a rule whose action is Approve takes approvers");
    }

    [TestCase("00:00:59")]
    [TestCase("30.00:00:01")]
    public void A_time_to_decide_out_of_range_names_DecideWithin(string within)
    {
        Single(new PolicyRule { Action = PolicyAction.Approve, Approvers = ["manager"], DecideWithin = TimeSpan.Parse(within, System.Globalization.CultureInfo.InvariantCulture) },
            "DecideWithin").Should().Contain("1分から30日").And.Contain("between 1 minute and 30 days");
    }

    [Test]
    public void DecideWithin_on_another_action_names_DecideWithin()
    {
        Single(new PolicyRule { Action = PolicyAction.Pass, DecideWithin = TimeSpan.FromDays(1) }, "DecideWithin").Should().Contain("only a rule whose action is Approve");
    }

    [Test]
    public void VisibleRecipients_without_a_limit_names_the_condition()
    {
        Single(new PolicyRule { Action = PolicyAction.ConvertToBcc, When = new RuleConditions { VisibleRecipients = new() } }, "When:VisibleRecipients")
            .Should().Contain("ExternalMoreThan か DomainsMoreThan").And.Contain("give ExternalMoreThan and/or DomainsMoreThan");
    }

    [Test]
    public void Negative_limits_are_each_named()
    {
        var errors = Check(new PolicyRule
        {
            Action = PolicyAction.ConvertToBcc,
            When = new RuleConditions { VisibleRecipients = new() { ExternalMoreThan = -1, DomainsMoreThan = -2 } },
        });
        errors.Select(e => e[..e.IndexOf(": ", StringComparison.Ordinal)]).Should().BeEquivalentTo(
            Rule0 + "When:VisibleRecipients:ExternalMoreThan", Rule0 + "When:VisibleRecipients:DomainsMoreThan");
    }
}
