using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Policy;

/// <summary>
/// Applies a validated policy to an inspection report and an envelope. Rules are tried in order and the first whose
/// conditions all hold decides; the verdict carries every finding in the message, not only the decisive ones.
/// Immutable once built: a host swaps in a new evaluator when the policy changes.
/// </summary>
public sealed class PolicyEvaluator
{
    private readonly DomainList _internal;
    private readonly DomainList _zipCrypto;
    private readonly List<(DomainList Domain, FileDeliveryMode Mode)> _fileDelivery;
    private readonly HashSet<FileKind> _allowedUnprotected;
    private readonly List<CompiledRule> _rules;

    /// <summary>Compiles <paramref name="options"/>, which must have passed <see cref="PolicyOptionsValidator"/>.</summary>
    public PolicyEvaluator(PolicyOptions options)
    {
        Options = options;
        _internal = new DomainList(options.InternalDomains);
        _zipCrypto = new DomainList(options.ZipCryptoDomains);
        _fileDelivery = options.FileDelivery.Domains.Select(d => (new DomainList([d.Domain]), d.Mode)).ToList();
        _allowedUnprotected = options.AllowedUnprotectedKinds
            .Select(k => FileKindNames.TryParse(k, out var kind) ? kind : FileKind.Unknown)
            .Where(k => k != FileKind.Unknown)
            .ToHashSet();
        _rules = options.Rules.Select(r => new CompiledRule(r)).ToList();
        if (_rules.Count == 0 || !_rules[^1].Rule.When.IsEmpty)
        {
            throw new ArgumentException("the policy must end with a rule without conditions", nameof(options));
        }
    }

    /// <summary>The policy this evaluator applies.</summary>
    public PolicyOptions Options { get; }

    /// <summary>True when <paramref name="address"/> is in an internal domain.</summary>
    public bool IsInternal(string address) => _internal.Contains(address);

    /// <summary>True when the gateway's archive for these recipients is made with ZipCrypto (any of them in <see cref="PolicyOptions.ZipCryptoDomains"/>).</summary>
    public bool WantsZipCrypto(IEnumerable<string> recipients) => recipients.Any(_zipCrypto.Contains);

    /// <summary>How the domain of <paramref name="address"/> receives files: its entry's mode (the first that matches), else the default.</summary>
    public FileDeliveryMode FileDeliveryFor(string address) =>
        _fileDelivery.FirstOrDefault(d => d.Domain.Contains(address)) is { Domain: not null } found ? found.Mode : Options.FileDelivery.Default;

    /// <summary>
    /// How a message to <paramref name="recipients"/> sends its files under a <see cref="PolicyAction.ByDomain"/> rule: blocked
    /// when any external recipient's domain blocks files; as they are when every external one takes them plain; as a link
    /// when any wants a link (one message, one form: a link reaches every recipient, an encrypted ZIP not every one); a ZIP
    /// otherwise. Internal recipients take whatever the external ones get.
    /// </summary>
    public FileDeliveryMode FileDeliveryFor(IEnumerable<string> recipients)
    {
        var modes = recipients.Where(r => !IsInternal(r)).Select(FileDeliveryFor).ToHashSet();
        return modes.Contains(FileDeliveryMode.Block) ? FileDeliveryMode.Block
            : modes.Count == 0 || modes.All(m => m == FileDeliveryMode.Plain) ? FileDeliveryMode.Plain
            : modes.Contains(FileDeliveryMode.Link) ? FileDeliveryMode.Link
            : FileDeliveryMode.Zip;
    }

    /// <summary>Decides what happens to the message.</summary>
    public Verdict Evaluate(InspectionReport report, Envelope envelope, ConfirmationStatus confirmation = ConfirmationStatus.Absent)
    {
        var external = envelope.Recipients.Where(r => !_internal.Contains(r)).ToList();
        var candidates = Findings(report).ToList();
        foreach (var compiled in _rules)
        {
            var decisive = compiled.Match(this, report, envelope, external, confirmation, candidates);
            if (decisive is null)
            {
                continue;
            }

            var findings = candidates.Select(c => c.ToFinding(decisive.Contains(c))).ToList();
            if (compiled.Rule.When.MessageLargerThanBytes is { } limit && report.MessageSize > limit)
            {
                findings.Add(new Finding("too-large", null, PolicyTexts.TooLarge(report.MessageSize, limit), Decisive: true));
            }

            if (compiled.Rule.When.VisibleRecipients is not null)
            {
                var (addresses, domains) = VisibleExternal(report);
                findings.Add(new Finding("visible-recipients", null, PolicyTexts.VisibleRecipients(addresses, domains), Decisive: true));
            }

            return new Verdict
            {
                Action = compiled.Rule.Action,
                Rule = compiled.Rule.Name,
                DecidingRule = compiled.Rule,
                Findings = findings.OrderByDescending(f => f.Decisive).ToList(),
                ExternalRecipients = external,
                Confirmation = confirmation,
            };
        }

        throw new InvalidOperationException("unreachable: the last rule has no conditions");
    }

    /// <summary>How many distinct external addresses, from how many domains, the To and Cc headers show to every recipient.</summary>
    public (int Addresses, int Domains) VisibleExternal(InspectionReport report)
    {
        var external = report.VisibleRecipients.Where(a => a.Contains('@', StringComparison.Ordinal) && !_internal.Contains(a))
            .Select(a => a.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        return (external.Count, external.Select(a => a[(a.LastIndexOf('@') + 1)..]).Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>Every reason in the report: one candidate per node property and per message-level problem.</summary>
    private IEnumerable<Candidate> Findings(InspectionReport report)
    {
        foreach (var problem in report.Problems)
        {
            yield return new Candidate("structure", null, problem.Text, Problem: true);
        }

        foreach (var node in report.AllNodes)
        {
            if (node.Disguise != Disguises.None)
            {
                yield return new Candidate("disguised", node, PolicyTexts.Disguised(node.Disguise, node.Kind));
            }

            if (node.Kind == FileKind.Executable)
            {
                yield return new Candidate("executable", node, node.Detail);
            }

            if (IsUnprotected(node))
            {
                yield return new Candidate("not-encrypted", node, PolicyTexts.NotEncrypted(node.Kind, node.Detail));
            }

            if (node is { Protection: ProtectionStatus.Unknown, UnknownReason: not null })
            {
                yield return new Candidate("unknown", node, node.Detail);
            }
        }
    }

    /// <summary>
    /// A leaf anyone can read, whose kind the policy does not let out unprotected. A document carrying files (a .docx
    /// with embedded objects, a PDF with attachments) counts as a leaf too: its own content is readable.
    /// </summary>
    internal bool IsUnprotected(AttachmentNode node) =>
        node.Protection == ProtectionStatus.NotProtected && (node.Children.Count == 0 || node.HoldsOwnContent)
        && !_allowedUnprotected.Contains(node.Kind);

    private sealed record Candidate(string Code, AttachmentNode? Node, Text.LocalizedText Text, bool Problem = false)
    {
        public Finding ToFinding(bool decisive) => new(Code, Node?.Path, Text, decisive);
    }

    private sealed class CompiledRule(PolicyRule rule)
    {
        private readonly DomainList _recipientDomains = new(rule.When.RecipientDomains);
        private readonly DomainList _senderDomains = new(rule.When.Senders.Where(s => !s.Contains('@', StringComparison.Ordinal)).Select(s => s.TrimStart('@')));
        private readonly HashSet<string> _senderAddresses = rule.When.Senders.Where(s => s.Contains('@', StringComparison.Ordinal) && !s.StartsWith('@'))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<FileKind> _kinds = (rule.When.Attachment?.Kinds ?? [])
            .Select(k => FileKindNames.TryParse(k, out var kind) ? kind : (FileKind?)null).OfType<FileKind>().ToHashSet();

        public PolicyRule Rule { get; } = rule;

        /// <summary>Null when the rule does not match; otherwise the findings that made it match (maybe none).</summary>
        public HashSet<Candidate>? Match(PolicyEvaluator policy, InspectionReport report, Envelope envelope, List<string> external,
            ConfirmationStatus confirmation, List<Candidate> candidates)
        {
            var when = Rule.When;
            var internalCount = envelope.Recipients.Count - external.Count;
            if (when.Recipients is { } scope && !(scope switch
            {
                RecipientScope.AnyExternal => external.Count > 0,
                RecipientScope.AllExternal => external.Count > 0 && internalCount == 0,
                RecipientScope.AllInternal => external.Count == 0,
                _ => false,
            }))
            {
                return null;
            }

            if (when.RecipientDomains.Count > 0 && !envelope.Recipients.Any(_recipientDomains.Contains))
            {
                return null;
            }

            if (when.Senders.Count > 0 && !_senderAddresses.Contains(envelope.Sender) && !(envelope.Sender.Contains('@', StringComparison.Ordinal) && _senderDomains.Contains(envelope.Sender)))
            {
                return null;
            }

            if (when.MessageLargerThanBytes is { } limit && report.MessageSize <= limit)
            {
                return null;
            }

            if (when.Confirmation is { } required && !Satisfies(required, confirmation))
            {
                return null;
            }

            if (when.VisibleRecipients is { } visible)
            {
                var (addresses, domains) = policy.VisibleExternal(report);
                if (visible.ExternalMoreThan is null && visible.DomainsMoreThan is null
                    || addresses <= (visible.ExternalMoreThan ?? -1) || domains <= (visible.DomainsMoreThan ?? -1))
                {
                    return null;
                }
            }

            if (when.Attachment is not { } attachment)
            {
                return [];
            }

            var matched = report.AllNodes.Where(n => Matches(policy, attachment, n)).ToHashSet();
            var decisive = candidates.Where(c => c.Node is not null && matched.Contains(c.Node) && Relevant(attachment, c.Code)).ToHashSet();
            if (attachment.Unknown && !attachment.Unprotected && !attachment.Disguised && _kinds.Count == 0 && attachment.LargerThanBytes is null)
            {
                decisive.UnionWith(candidates.Where(c => c.Problem)); // a broken message structure is unknown content
            }

            return matched.Count > 0 || decisive.Count > 0 ? decisive : null;
        }

        private bool Matches(PolicyEvaluator policy, AttachmentCondition condition, AttachmentNode node) =>
            (!condition.Unprotected || policy.IsUnprotected(node))
            && (!condition.Unknown || node is { Protection: ProtectionStatus.Unknown, UnknownReason: not null })
            && (!condition.Disguised || node.Disguise != Disguises.None)
            && (_kinds.Count == 0 || _kinds.Contains(node.Kind))
            && (condition.LargerThanBytes is not { } size || node.Size > size);

        private static bool Relevant(AttachmentCondition condition, string code) => code switch
        {
            "not-encrypted" => condition.Unprotected || !(condition.Unknown || condition.Disguised),
            "unknown" => condition.Unknown || !(condition.Unprotected || condition.Disguised),
            "disguised" => condition.Disguised || !(condition.Unprotected || condition.Unknown),
            "executable" => !(condition.Unprotected || condition.Unknown || condition.Disguised),
            _ => false,
        };

        private static bool Satisfies(ConfirmationRequirement required, ConfirmationStatus status) => required switch
        {
            ConfirmationRequirement.Valid => status == ConfirmationStatus.Valid,
            ConfirmationRequirement.NotValid => status != ConfirmationStatus.Valid,
            ConfirmationRequirement.Absent => status == ConfirmationStatus.Absent,
            ConfirmationRequirement.Invalid => status is not (ConfirmationStatus.Valid or ConfirmationStatus.Absent),
            _ => false,
        };
    }
}
