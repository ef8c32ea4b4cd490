using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Something wrong with the message as a whole (its MIME structure), which the policy treats as unknown content.</summary>
/// <param name="Code">Stable identifier: <c>mime-incomplete</c>, <c>unreadable</c>, <c>timeout</c>.</param>
/// <param name="Text">What happened, for people.</param>
public sealed record InspectionProblem(string Code, LocalizedText Text);
