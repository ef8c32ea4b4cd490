using System.Text;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Tests.Spool;

/// <summary>What keeps the sweep from deleting acknowledged mail: segments seal only between batches, and one process owns a data directory.</summary>
public class SpoolStoreTests
{
    private string _data = null!;

    [SetUp]
    public void SetUp() => _data = Directory.CreateTempSubdirectory("safemail-spool-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_data, recursive: true);

    [Test]
    public void A_full_segment_is_sealed_between_batches_never_in_the_middle_of_one()
    {
        using var spool = new SpoolStore(_data, segmentLimit: 1024);
        using var big = MessageContent.FromBytes(new byte[2048]);

        var (first, _) = spool.Append("A", big);
        var (second, _) = spool.Append("B", big);
        second.Should().Be(first, "a batch still being written (not yet committed) stays in one segment");
        spool.SealedSegments().Should().BeEmpty();

        spool.SealIfFull();
        var (third, offset) = spool.Append("C", MessageContent.FromBytes("hello"u8));
        spool.Sync();
        third.Should().NotBe(first);
        spool.SealedSegments().Should().Equal(first);
        using var read = spool.OpenSegment(third, offset, 5);
        new StreamReader(read, Encoding.ASCII).ReadToEnd().Should().Be("hello");
    }

    [Test]
    public void Spill_files_left_by_a_stopped_process_are_deleted_at_start_and_others_kept()
    {
        var incoming = Path.Combine(_data, "spool", "incoming");
        Directory.CreateDirectory(incoming);
        File.WriteAllText(Path.Combine(incoming, "0123.part"), "half a message, never acknowledged");
        File.WriteAllText(Path.Combine(incoming, "README"), "not ours");

        using var spool = new SpoolStore(_data);

        spool.Incoming.Should().Be(incoming);
        Directory.GetFiles(incoming).Select(Path.GetFileName).Should().Equal("README");
    }

    [Test]
    public void A_segment_under_the_limit_is_kept_open()
    {
        using var spool = new SpoolStore(_data, segmentLimit: 1024);
        var (first, _) = spool.Append("A", MessageContent.FromBytes(new byte[100]));
        spool.SealIfFull();
        spool.Append("B", MessageContent.FromBytes(new byte[100])).Segment.Should().Be(first);
    }

    [Test]
    public async Task A_second_gateway_on_the_same_data_directory_refuses_to_start_and_names_the_setting()
    {
        await using var first = await TestGateway.StartAsync(dataDirectory: _data);

        var second = () => TestGateway.StartAsync(dataDirectory: _data);
        var refused = (await second.Should().ThrowAsync<SettingsException>()).Which;
        refused.Errors.Should().ContainSingle().Which.Should().StartWith("SafeMail:Gateway:DataDirectory: ")
            .And.Contain($"is in use by another gateway (pid {Environment.ProcessId})");

        await first.StopAsync();
        await using var third = await TestGateway.StartAsync(dataDirectory: _data);
        third.Smtp.Port.Should().BePositive("the lock goes with the gateway that held it");
    }
}
