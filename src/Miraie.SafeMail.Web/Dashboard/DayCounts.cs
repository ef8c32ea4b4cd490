namespace Miraie.SafeMail.Web.Dashboard;

/// <summary>Messages received on one day, by what the policy decided.</summary>
public sealed record DayCounts(DateOnly Day, long Passed, long Quarantined, long Rejected)
{
    /// <summary>All of them.</summary>
    public long Total => Passed + Quarantined + Rejected;
}
