using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// Checks a policy before any host uses it. Every problem is reported with the full setting key
/// (<c>SafeMail:Policy:Rules:2:When:Attachment:Kinds:0</c>) so an admin knows exactly what to fix; a host that
/// registers this with <c>ValidateOnStart</c> refuses to start on a bad policy.
/// </summary>
public sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    /// <summary>The longest rule description: lists show it in a column.</summary>
    public const int MaxDescriptionLength = 200;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Every problem with <paramref name="options"/>, each naming its key under <paramref name="section"/>.</summary>
    public static IReadOnlyList<string> Check(PolicyOptions options, string section = PolicyOptions.SectionName)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.InternalDomains.Count; i++)
        {
            CheckDomain(errors, $"{section}:InternalDomains:{i}", options.InternalDomains[i]);
        }

        for (var i = 0; i < options.ZipCryptoDomains.Count; i++)
        {
            CheckDomain(errors, $"{section}:ZipCryptoDomains:{i}", options.ZipCryptoDomains[i]);
        }

        CheckFileDelivery(errors, $"{section}:FileDelivery", options.FileDelivery);

        for (var i = 0; i < options.AllowedUnprotectedKinds.Count; i++)
        {
            var key = $"{section}:AllowedUnprotectedKinds:{i}";
            var value = options.AllowedUnprotectedKinds[i];
            if (!FileKindNames.TryParse(value, out var kind))
            {
                errors.Add(UnknownKind(key, value));
            }
            else if (kind == FileKind.Unknown)
            {
                errors.Add(PolicyTexts.Invalid(key, "種類不明のファイルは許可できません", "unknown content can never be allowed unprotected"));
            }
        }

        CheckLimits(errors, $"{section}:Limits", options.Limits);

        if (options.Rules.Count == 0)
        {
            errors.Add(PolicyTexts.Invalid($"{section}:Rules", "ルールが1つもありません", "there are no rules"));
            return errors;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var key = $"{section}:Rules:{i}";
            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                errors.Add(PolicyTexts.Invalid($"{key}:Name", "ルール名がありません", "the rule has no name"));
            }
            else if (!names.Add(rule.Name))
            {
                errors.Add(PolicyTexts.Invalid($"{key}:Name", $"ルール名「{rule.Name}」が重複しています", $"the rule name '{rule.Name}' is used twice"));
            }

            if (!Enum.IsDefined(rule.Action))
            {
                errors.Add(PolicyTexts.Invalid($"{key}:Action", "動作は Pass、Quarantine、Reject、Hold、Approve、ConvertToBcc、Encrypt、Link、ByDomain のいずれかです",
                    "the action must be Pass, Quarantine, Reject, Hold, Approve, ConvertToBcc, Encrypt, Link or ByDomain"));
            }

            CheckAction(errors, key, rule);

            foreach (var (field, text) in new[] { ("Description", rule.Description), ("DescriptionJa", rule.DescriptionJa), ("DescriptionEn", rule.DescriptionEn) })
            {
                if (text is { Length: > MaxDescriptionLength })
                {
                    errors.Add(PolicyTexts.Invalid($"{key}:{field}", $"説明は{MaxDescriptionLength}文字以内にしてください（一覧に表示されます）",
                        $"must be at most {MaxDescriptionLength} characters (lists show it)"));
                }
            }

            CheckConditions(errors, $"{key}:When", rule.When);
        }

        if (!options.Rules[^1].When.IsEmpty)
        {
            errors.Add(PolicyTexts.Invalid($"{section}:Rules:{options.Rules.Count - 1}:When",
                "最後のルールには条件を付けないでください（すべてのメールに判定が必要です）",
                "the last rule must have no conditions, so that every message gets a verdict"));
        }

        return errors;
    }

    /// <summary>The longest hold: a cancel window, not a parking place.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromDays(7);

    /// <summary>The longest time an approver may take.</summary>
    public static readonly TimeSpan MaxDecideWithin = TimeSpan.FromDays(30);

    private static void CheckFileDelivery(List<string> errors, string key, FileDeliveryOptions delivery)
    {
        if (!Enum.IsDefined(delivery.Default))
        {
            errors.Add(PolicyTexts.Invalid($"{key}:Default", "送り方は Zip、Link、Plain、Block のいずれかです", "the mode must be Zip, Link, Plain or Block"));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < delivery.Domains.Count; i++)
        {
            var entry = delivery.Domains[i];
            CheckDomain(errors, $"{key}:Domains:{i}:Domain", entry.Domain);
            if (!seen.Add(entry.Domain.Trim()))
            {
                errors.Add(PolicyTexts.Invalid($"{key}:Domains:{i}:Domain", $"「{entry.Domain}」が重複しています", $"'{entry.Domain}' is listed twice"));
            }

            if (!Enum.IsDefined(entry.Mode))
            {
                errors.Add(PolicyTexts.Invalid($"{key}:Domains:{i}:Mode", "送り方は Zip、Link、Plain、Block のいずれかです", "the mode must be Zip, Link, Plain or Block"));
            }
        }
    }

    /// <summary>HoldFor only with Hold, Approvers and DecideWithin only with Approve, each in range.</summary>
    private static void CheckAction(List<string> errors, string key, PolicyRule rule)
    {
        if (rule.Action == PolicyAction.Hold)
        {
            if (rule.HoldFor is not { } hold)
            {
                errors.Add(PolicyTexts.Invalid($"{key}:HoldFor", "Hold には保留時間（例: \"00:05:00\"）が必要です", "Hold needs a duration (for example \"00:05:00\")"));
            }
            else if (hold < TimeSpan.FromSeconds(1) || hold > MaxHold)
            {
                errors.Add(PolicyTexts.Invalid($"{key}:HoldFor", "保留時間は1秒から7日の間で指定してください", "the hold must be between 1 second and 7 days"));
            }
        }
        else if (rule.HoldFor is not null)
        {
            errors.Add(PolicyTexts.Invalid($"{key}:HoldFor", "保留時間は動作が Hold のルールにだけ指定できます", "only a rule whose action is Hold takes a duration"));
        }

        if (rule.Action == PolicyAction.Approve)
        {
            if (rule.Approvers.Count == 0)
            {
                errors.Add(PolicyTexts.Invalid($"{key}:Approvers", "承認者がいません（manager かメールアドレスを指定してください）",
                    "there are no approvers (give manager and/or addresses)"));
            }

            for (var i = 0; i < rule.Approvers.Count; i++)
            {
                var approver = rule.Approvers[i].Trim();
                if (!approver.Equals(PolicyRule.Manager, StringComparison.OrdinalIgnoreCase) && !IsAddress(approver))
                {
                    errors.Add(PolicyTexts.Invalid($"{key}:Approvers:{i}", $"「{rule.Approvers[i]}」は manager でもメールアドレスでもありません",
                        $"'{rule.Approvers[i]}' is neither manager nor an address"));
                }
            }

            if (rule.DecideWithin is { } within && (within < TimeSpan.FromMinutes(1) || within > MaxDecideWithin))
            {
                errors.Add(PolicyTexts.Invalid($"{key}:DecideWithin", "承認期限は1分から30日の間で指定してください", "the time to decide must be between 1 minute and 30 days"));
            }
        }
        else
        {
            if (rule.Approvers.Count > 0)
            {
                errors.Add(PolicyTexts.Invalid($"{key}:Approvers", "承認者は動作が Approve のルールにだけ指定できます", "only a rule whose action is Approve takes approvers"));
            }

            if (rule.DecideWithin is not null)
            {
                errors.Add(PolicyTexts.Invalid($"{key}:DecideWithin", "承認期限は動作が Approve のルールにだけ指定できます", "only a rule whose action is Approve takes a time to decide"));
            }
        }
    }

    private static bool IsAddress(string text)
    {
        var at = text.LastIndexOf('@');
        return at > 0 && at == text.IndexOf('@', StringComparison.Ordinal) && !text.Any(char.IsWhiteSpace) && DomainList.TryNormalize(text[(at + 1)..], out _);
    }

    private static void CheckConditions(List<string> errors, string key, RuleConditions when)
    {
        if (when.Recipients is { } scope && !Enum.IsDefined(scope))
        {
            errors.Add(PolicyTexts.Invalid($"{key}:Recipients", "AnyExternal、AllExternal、AllInternal のいずれかです", "must be AnyExternal, AllExternal or AllInternal"));
        }

        for (var i = 0; i < when.RecipientDomains.Count; i++)
        {
            CheckDomain(errors, $"{key}:RecipientDomains:{i}", when.RecipientDomains[i]);
        }

        for (var i = 0; i < when.Senders.Count; i++)
        {
            var sender = when.Senders[i].Trim();
            var at = sender.LastIndexOf('@');
            var domain = at >= 0 ? sender[(at + 1)..] : sender;
            if (!DomainList.TryNormalize(domain, out _))
            {
                errors.Add(PolicyTexts.Invalid($"{key}:Senders:{i}", $"「{when.Senders[i]}」はメールアドレスでもドメインでもありません",
                    $"'{when.Senders[i]}' is neither an address nor a domain"));
            }
        }

        if (when.MessageLargerThanBytes is <= 0)
        {
            errors.Add(PolicyTexts.Invalid($"{key}:MessageLargerThanBytes", "1以上のバイト数を指定してください", "must be a positive number of bytes"));
        }

        if (when.Confirmation is { } confirmation && !Enum.IsDefined(confirmation))
        {
            errors.Add(PolicyTexts.Invalid($"{key}:Confirmation", "Valid、NotValid、Absent、Invalid のいずれかです", "must be Valid, NotValid, Absent or Invalid"));
        }

        if (when.VisibleRecipients is { } visible)
        {
            if (visible.ExternalMoreThan is null && visible.DomainsMoreThan is null)
            {
                errors.Add(PolicyTexts.Invalid($"{key}:VisibleRecipients", "ExternalMoreThan か DomainsMoreThan を指定してください",
                    "give ExternalMoreThan and/or DomainsMoreThan"));
            }

            if (visible.ExternalMoreThan is < 0)
            {
                errors.Add(PolicyTexts.Invalid($"{key}:VisibleRecipients:ExternalMoreThan", "0以上の数を指定してください", "must not be negative"));
            }

            if (visible.DomainsMoreThan is < 0)
            {
                errors.Add(PolicyTexts.Invalid($"{key}:VisibleRecipients:DomainsMoreThan", "0以上の数を指定してください", "must not be negative"));
            }
        }

        if (when.Attachment is { } attachment)
        {
            for (var i = 0; i < attachment.Kinds.Count; i++)
            {
                if (!FileKindNames.TryParse(attachment.Kinds[i], out _))
                {
                    errors.Add(UnknownKind($"{key}:Attachment:Kinds:{i}", attachment.Kinds[i]));
                }
            }

            if (attachment.LargerThanBytes is < 0)
            {
                errors.Add(PolicyTexts.Invalid($"{key}:Attachment:LargerThanBytes", "0以上のバイト数を指定してください", "must not be negative"));
            }
        }
    }

    private static void CheckLimits(List<string> errors, string key, InspectionLimits limits)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(limits, new ValidationContext(limits), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                foreach (var member in result.MemberNames)
                {
                    var property = typeof(InspectionLimits).GetProperty(member);
                    var range = property?.GetCustomAttributes(typeof(RangeAttribute), false).OfType<RangeAttribute>().FirstOrDefault();
                    var bounds = range is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{range.Minimum} – {range.Maximum}");
                    errors.Add(PolicyTexts.Invalid($"{key}:{member}", $"範囲外の値です（{bounds}）", $"out of range ({bounds})"));
                }
            }
        }
    }

    private static void CheckDomain(List<string> errors, string key, string value)
    {
        var domain = value.Trim();
        if (domain.StartsWith("*.", StringComparison.Ordinal))
        {
            domain = domain[2..];
        }

        if (!DomainList.TryNormalize(domain, out _))
        {
            errors.Add(PolicyTexts.Invalid(key, $"「{value}」はドメイン名として正しくありません", $"'{value}' is not a valid domain name"));
        }
    }

    private static string UnknownKind(string key, string value) => PolicyTexts.Invalid(key,
        $"「{value}」という種類はありません（使えるのは {string.Join(", ", FileKindNames.All)}）",
        $"there is no kind '{value}' (valid: {string.Join(", ", FileKindNames.All)})");
}
