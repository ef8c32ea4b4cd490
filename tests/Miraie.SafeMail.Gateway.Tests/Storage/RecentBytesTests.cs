using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Tests.Storage;

/// <summary>The copies a PostgreSQL node keeps of what it just queued: each taken once, and never more than the budget.</summary>
public class RecentBytesTests
{
    [Test]
    public void A_kept_copy_is_taken_once()
    {
        var recent = new RecentBytes();
        recent.TryKeep("A1", Content(1, 2, 3)).Should().BeTrue();
        recent.Held.Should().Be(3);

        Bytes(recent.Take("A1")).Should().Equal(1, 2, 3);
        recent.Take("A1").Should().BeNull("the second attempt reads the database");
        recent.Held.Should().Be(0);
    }

    [Test]
    public void Past_the_budget_the_oldest_copies_are_let_go()
    {
        var recent = new RecentBytes();
        var fit = (int)(RecentBytes.Budget / RecentBytes.MaxMessageBytes);
        for (var i = 0; i < fit + 4; i++)
        {
            recent.TryKeep("M" + i, Content(new byte[RecentBytes.MaxMessageBytes])).Should().BeTrue();
        }

        recent.Held.Should().Be(RecentBytes.Budget);
        recent.Take("M3").Should().BeNull("the four oldest copies made room for the newest");
        recent.Take("M4").Should().NotBeNull();
        recent.Take("M" + (fit + 3)).Should().NotBeNull();
        recent.Held.Should().Be(RecentBytes.Budget - 2 * RecentBytes.MaxMessageBytes);
    }

    [Test]
    public void A_copy_never_taken_does_not_hold_the_budget_for_good()
    {
        // Another node delivered these: their copies are never taken here.
        var recent = new RecentBytes();
        for (var i = 0; i < 100; i++)
        {
            recent.TryKeep("other" + i, Content(new byte[RecentBytes.MaxMessageBytes / 2])).Should().BeTrue();
        }

        recent.TryKeep("mine", Content(7)).Should().BeTrue();
        Bytes(recent.Take("mine")).Should().Equal(7);
        recent.Held.Should().BeLessThanOrEqualTo(RecentBytes.Budget);
    }

    [Test]
    public void The_same_message_is_kept_once()
    {
        var recent = new RecentBytes();
        recent.TryKeep("A1", Content(1)).Should().BeTrue();
        recent.TryKeep("A1", Content(2)).Should().BeFalse();
        Bytes(recent.Take("A1")).Should().Equal(1);
        recent.Held.Should().Be(0);
    }

    [Test]
    public void A_message_larger_than_the_limit_is_not_kept()
    {
        var recent = new RecentBytes();
        recent.TryKeep("L1", Content(new byte[RecentBytes.MaxMessageBytes + 1])).Should().BeFalse();
        recent.Held.Should().Be(0);
        RecentBytes.CopyOf(MessageContent.FromBytes(new byte[RecentBytes.MaxMessageBytes + 1])).Should().BeNull();
    }

    [Test]
    public void A_copy_of_content_that_spilled_to_a_file_is_held_in_memory_and_equal_to_it()
    {
        var folder = Directory.CreateTempSubdirectory("safemail-recent-").FullName;
        try
        {
            var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
            using var spilled = new MessageContent(100_000, folder);
            spilled.Append(bytes);
            spilled.Complete();
            spilled.SpillPath.Should().NotBeNull();

            using var copy = RecentBytes.CopyOf(spilled)!;
            copy.SpillPath.Should().BeNull("the copy is in memory");
            Bytes(copy).Should().Equal(bytes);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static MessageContent Content(params byte[] bytes) => MessageContent.FromBytes(bytes);

    private static byte[]? Bytes(MessageContent? content)
    {
        if (content is null)
        {
            return null;
        }

        using var read = content.OpenRead();
        using var copy = new MemoryStream();
        read.CopyTo(copy);
        return copy.ToArray();
    }
}
