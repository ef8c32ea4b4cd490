using Miraie.SafeMail.Core.Policy;
using static Miraie.SafeMail.Core.Tests.Policy.Reports;

namespace Miraie.SafeMail.Core.Tests.Policy;

/// <summary>BCC漏れ: the VisibleRecipients condition counts distinct external addresses in To/Cc, and their domains, against its limits.</summary>
public class VisibleRecipientsTests
{
    private static PolicyEvaluator Policy(int? externalMoreThan, int? domainsMoreThan)
    {
        var policy = PolicyDefaults.Create("example.co.jp", "*.example.co.jp");
        policy.Rules.Insert(0, new PolicyRule
        {
            Name = "bcc-leak",
            Action = PolicyAction.ConvertToBcc,
            When = new RuleConditions { VisibleRecipients = new VisibleRecipientsCondition { ExternalMoreThan = externalMoreThan, DomainsMoreThan = domainsMoreThan } },
        });
        return new PolicyEvaluator(policy);
    }

    /// <summary><paramref name="count"/> external addresses spread over <paramref name="domains"/> domains.</summary>
    private static List<string> External(int count, int domains) =>
        Enumerable.Range(0, count).Select(i => $"user{i}@customer{i % domains}.example.com").ToList();

    private static Verdict Evaluate(PolicyEvaluator policy, IReadOnlyList<string> visible, IReadOnlyList<string>? bcc = null)
    {
        var report = With() with { VisibleRecipients = visible, HeaderRecipients = [.. visible, .. bcc ?? []] };
        return policy.Evaluate(report, new Envelope("tanaka@example.co.jp", [.. visible, .. bcc ?? []]));
    }

    [Test]
    public void Ten_external_addresses_in_To_and_Cc_are_converted_with_the_count_and_domains_as_the_reason()
    {
        var verdict = Evaluate(Policy(9, null), External(10, 4));

        verdict.Action.Should().Be(PolicyAction.ConvertToBcc);
        verdict.Rule.Should().Be("bcc-leak");
        var reason = verdict.Findings.Should().ContainSingle(f => f.Decisive).Subject;
        reason.Code.Should().Be("visible-recipients");
        reason.Line.Ja.Should().Be("社外のメールアドレス10件（4ドメイン）が To/Cc に入っており、受信者どうしで見えます（BCC漏れ）");
        reason.Line.En.Should().StartWith("10 external addresses from 4 domains are in To/Cc");
        Evaluate(Policy(9, null), External(9, 4)).Action.Should().Be(PolicyAction.Pass, "nine is not more than nine");
    }

    [Test]
    public void Internal_addresses_and_subdomains_are_not_counted()
    {
        List<string> visible = [.. External(9, 3), "suzuki@example.co.jp", "sato@osaka.example.co.jp", "SUZUKI2@EXAMPLE.CO.JP"];
        Evaluate(Policy(9, null), visible).Action.Should().Be(PolicyAction.Pass);
        Policy(9, null).VisibleExternal(With() with { VisibleRecipients = visible }).Should().Be((9, 3));
    }

    [Test]
    public void Bcc_and_envelope_only_recipients_are_not_counted()
    {
        var verdict = Evaluate(Policy(9, null), External(5, 2), bcc: External(20, 5).Skip(5).ToList());
        verdict.Action.Should().Be(PolicyAction.Pass, "what every recipient sees is five addresses; the rest went as Bcc");
    }

    [Test]
    public void The_same_address_twice_or_in_other_case_counts_once()
    {
        var visible = External(6, 2);
        Evaluate(Policy(9, null), [.. visible, .. visible.Select(a => a.ToUpperInvariant())]).Action.Should().Be(PolicyAction.Pass);
    }

    [TestCase(20, 3, ExpectedResult = PolicyAction.Pass, TestName = "Twenty addresses from three domains are not more than three domains")]
    [TestCase(4, 4, ExpectedResult = PolicyAction.ConvertToBcc, TestName = "Four addresses from four domains are more than three domains")]
    public PolicyAction Domains_are_counted(int addresses, int domains) => Evaluate(Policy(null, 3), External(addresses, domains)).Action;

    [TestCase(12, 2, ExpectedResult = PolicyAction.Pass, TestName = "With both limits, many addresses from few domains pass")]
    [TestCase(5, 5, ExpectedResult = PolicyAction.Pass, TestName = "With both limits, few addresses from many domains pass")]
    [TestCase(12, 4, ExpectedResult = PolicyAction.ConvertToBcc, TestName = "With both limits, both exceeded converts")]
    public PolicyAction Both_limits_must_be_exceeded(int addresses, int domains) => Evaluate(Policy(9, 3), External(addresses, domains)).Action;
}
