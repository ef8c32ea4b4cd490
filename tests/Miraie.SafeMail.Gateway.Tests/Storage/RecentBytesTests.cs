using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Storage;

/// <summary>The copies a PostgreSQL node keeps of what it just queued: each taken once, and never more than the budget.</summary>
public class RecentBytesTests
{
    [Test]
    public void A_kept_copy_is_taken_once()
    {
        var recent = new RecentBytes();
        recent.TryKeep("A1", [1, 2, 3]).Should().BeTrue();
        recent.Held.Should().Be(3);

        recent.Take("A1").Should().Equal(1, 2, 3);
        recent.Take("A1").Should().BeNull("the second attempt reads the database");
        recent.Held.Should().Be(0);
    }

    [Test]
    public void Nothing_more_is_kept_past_the_budget_until_deliveries_take_what_is_held()
    {
        var recent = new RecentBytes();
        var big = new byte[RecentBytes.MaxMessageBytes];
        var kept = Enumerable.Range(0, 20).Count(i => recent.TryKeep("M" + i, big));

        kept.Should().Be((int)(RecentBytes.Budget / RecentBytes.MaxMessageBytes));
        recent.Held.Should().Be(RecentBytes.Budget);
        recent.TryKeep("small", [1]).Should().BeFalse("the budget is full");

        recent.Take("M0").Should().NotBeNull();
        recent.TryKeep("small", [1]).Should().BeTrue();
    }

    [Test]
    public void A_message_larger_than_the_limit_is_not_kept()
    {
        var recent = new RecentBytes();
        recent.TryKeep("L1", new byte[RecentBytes.MaxMessageBytes + 1]).Should().BeFalse();
        recent.Held.Should().Be(0);
        RecentBytes.CopyOf(Miraie.SafeMail.Storage.Spool.MessageContent.FromBytes(new byte[RecentBytes.MaxMessageBytes + 1])).Should().BeNull();
    }
}
