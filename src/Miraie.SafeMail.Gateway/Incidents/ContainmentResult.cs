using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>The outcome of one containment step, with what to tell the reporter and the security office.</summary>
/// <param name="Step">The step's name, as audited (<c>cancel-held</c>, <c>decline-approval</c>, <c>delivery</c>).</param>
/// <param name="Outcome">What it found or did.</param>
/// <param name="Text">One or two sentences, in Japanese and English; reporter- and mail-supplied parts already made safe.</param>
public sealed record ContainmentResult(string Step, ContainmentOutcome Outcome, LocalizedText Text);
