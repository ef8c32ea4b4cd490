using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Web.Policy;

/// <summary>One message judged under the policy in force and under the edited one.</summary>
public sealed record DryRunResult(string Source, Envelope Envelope, InspectionReport Report, Verdict Current, Verdict? Edited);
