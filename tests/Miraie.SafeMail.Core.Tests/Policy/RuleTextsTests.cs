using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Core.Tests.Policy;

/// <summary>Rules read as words in the reader's language; the id is the last resort.</summary>
public class RuleTextsTests
{
    [Test]
    public void The_shipping_rules_describe_themselves_in_japanese_and_english()
    {
        var text = RuleTexts.Describe("external-unprotected", PolicyDefaults.Rules());

        text.Ja.Should().Be("社外宛てで暗号化されていない添付ファイル");
        text.En.Should().Be("External mail with attachments that are not encrypted");
        PolicyDefaults.Rules().Should().OnlyContain(r => r.DescriptionJa!.Length > 0 && r.DescriptionEn!.Length > 0 && r.Description == null);
    }

    [Test]
    public void The_policys_own_texts_win_then_its_free_text_then_the_built_in_text_then_the_id()
    {
        List<PolicyRule> rules =
        [
            new() { Name = "partner-zip", DescriptionJa = "取引先宛ての ZIP" },
            new() { Name = "legacy", Description = "古い説明 / old text" },
            new() { Name = "external-unprotected", DescriptionEn = "Unencrypted attachments to customers" },
            new() { Name = "external-unknown" },
        ];

        RuleTexts.Describe("partner-zip", rules).Should().Be(new Text.LocalizedText("取引先宛ての ZIP", "取引先宛ての ZIP"), "one language serves both");
        RuleTexts.Describe("legacy", rules).Should().Be(new Text.LocalizedText("古い説明 / old text", "古い説明 / old text"));
        RuleTexts.Describe("external-unprotected", rules).En.Should().Be("Unencrypted attachments to customers");
        RuleTexts.Describe("external-unknown", rules).Ja.Should().Be("社外宛てで種類を判別できない添付ファイル", "a shipping rule without texts keeps the built-in one");
        RuleTexts.Describe("Inspection-Failed", rules).En.Should().StartWith("Mail that could not be fully inspected");
        RuleTexts.Describe("deleted-rule", rules).Should().Be(new Text.LocalizedText("deleted-rule", "deleted-rule"));
    }

    [Test]
    public void A_description_too_long_for_a_list_is_refused_by_key()
    {
        var policy = PolicyDefaults.Create("example.co.jp");
        policy.Rules[0].DescriptionJa = new string('長', PolicyOptionsValidator.MaxDescriptionLength + 1);

        PolicyOptionsValidator.Check(policy).Should().ContainSingle().Which.Should().StartWith("SafeMail:Policy:Rules:0:DescriptionJa: ");
    }
}
