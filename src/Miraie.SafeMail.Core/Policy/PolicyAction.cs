namespace Miraie.SafeMail.Core.Policy;

/// <summary>What happens to a message when a rule decides.</summary>
public enum PolicyAction
{
    /// <summary>Deliver it (通過).</summary>
    Pass,
    /// <summary>Keep it in the quarantine for an operator (隔離).</summary>
    Quarantine,
    /// <summary>Refuse it at end of DATA with a 5xx reply and the reason (拒否).</summary>
    Reject,
}
