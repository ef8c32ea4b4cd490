namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Thrown inside the inspector when a limit is reached; caught where the node is built and turned into Unknown.</summary>
internal sealed class InspectionLimitException(UnknownReason reason, string message) : Exception(message)
{
    /// <summary>Which limit was reached.</summary>
    public UnknownReason Reason { get; } = reason;
}
