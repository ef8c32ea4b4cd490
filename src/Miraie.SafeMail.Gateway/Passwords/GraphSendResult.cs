namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>What became of one Graph send.</summary>
public sealed record GraphSendResult(GraphSendOutcome Outcome, string? Detail)
{
    /// <summary>Accepted by Graph (202).</summary>
    public static GraphSendResult Sent { get; } = new(GraphSendOutcome.Sent, null);
}
