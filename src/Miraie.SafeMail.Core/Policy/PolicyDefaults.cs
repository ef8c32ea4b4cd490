namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// The shipping policy of PRODUCT.md ("Shipping default"): disguised or executable content is quarantined even
/// internally; external mail with unknown or unprotected attachments is quarantined; oversized mail is rejected;
/// everything else passes. appsettings.sample.json spells out the same rules (a test keeps the two equal).
/// </summary>
public static class PolicyDefaults
{
    /// <summary>Default size above which a message is rejected: 25 MiB.</summary>
    public const long MaxMessageBytes = 25L * 1024 * 1024;

    /// <summary>The default rules, new instances each call.</summary>
    public static List<PolicyRule> Rules() =>
    [
        new()
        {
            Name = "disguised",
            DescriptionJa = "拡張子を偽装したファイルは社内宛てでも隔離",
            DescriptionEn = "Quarantine disguised files, internal mail included",
            Action = PolicyAction.Quarantine,
            When = new RuleConditions { Attachment = new AttachmentCondition { Disguised = true } },
        },
        new()
        {
            Name = "executable",
            DescriptionJa = "実行ファイルは社内宛てでも隔離",
            DescriptionEn = "Quarantine executables, internal mail included",
            Action = PolicyAction.Quarantine,
            When = new RuleConditions { Attachment = new AttachmentCondition { Kinds = ["executable"] } },
        },
        new()
        {
            Name = "external-unknown",
            DescriptionJa = "社外宛てで種類を判別できない添付ファイル",
            DescriptionEn = "External mail with attachments that cannot be identified",
            Action = PolicyAction.Quarantine,
            When = new RuleConditions { Recipients = RecipientScope.AnyExternal, Attachment = new AttachmentCondition { Unknown = true } },
        },
        new()
        {
            Name = "external-unprotected",
            DescriptionJa = "社外宛てで暗号化されていない添付ファイル",
            DescriptionEn = "External mail with attachments that are not encrypted",
            Action = PolicyAction.Quarantine,
            When = new RuleConditions { Recipients = RecipientScope.AnyExternal, Attachment = new AttachmentCondition { Unprotected = true } },
        },
        new()
        {
            Name = "too-large",
            DescriptionJa = "サイズ上限を超えるメールは拒否",
            DescriptionEn = "Reject mail over the size limit",
            Action = PolicyAction.Reject,
            When = new RuleConditions { MessageLargerThanBytes = MaxMessageBytes },
        },
        new()
        {
            Name = "default-pass",
            DescriptionJa = "それ以外は通過",
            DescriptionEn = "Everything else passes",
            Action = PolicyAction.Pass,
        },
    ];

    /// <summary>The whole default policy for a company whose internal domains are <paramref name="internalDomains"/>.</summary>
    public static PolicyOptions Create(params string[] internalDomains) => new()
    {
        InternalDomains = [.. internalDomains],
        Rules = Rules(),
    };
}
