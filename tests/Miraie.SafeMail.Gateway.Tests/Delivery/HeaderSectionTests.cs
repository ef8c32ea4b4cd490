using System.Text;
using Miraie.SafeMail.Gateway.Delivery;

namespace Miraie.SafeMail.Gateway.Tests.Delivery;

public class HeaderSectionTests
{
    private const string Body = "BODY-MARKER-7f3a";

    private static string Extract(string message) => Encoding.UTF8.GetString(HeaderSection.Extract(Encoding.UTF8.GetBytes(message)));

    [Test]
    public void Stops_at_the_first_empty_line()
    {
        Extract($"Subject: a\r\nFrom: b@example.co.jp\r\n\r\n{Body}\r\nX-Looks-Like: a header\r\n")
            .Should().Be("Subject: a\r\nFrom: b@example.co.jp\r\n");
    }

    [Test]
    public void Lf_only_messages_come_out_with_crlf()
    {
        Extract($"Subject: a\nFrom: b@example.co.jp\n\n{Body}\n").Should().Be("Subject: a\r\nFrom: b@example.co.jp\r\n");
    }

    [Test]
    public void Folded_fields_keep_their_continuation_lines()
    {
        Extract("Received: from a\r\n\tby b; Thu, 27 Nov 2026 14:00:00 +0900\r\nSubject: x\r\n\r\n")
            .Should().Be("Received: from a\r\n\tby b; Thu, 27 Nov 2026 14:00:00 +0900\r\nSubject: x\r\n");
    }

    [Test]
    public void Lines_that_are_not_fields_are_dropped_with_their_continuations()
    {
        var message = $"From sender@example.co.jp Thu Nov 27 14:00:00 2026\r\n continued\r\nSubject: x\r\n{Body}\r\n more {Body}\r\n: no name\r\nTo: y@example.co.jp\r\n\r\n";

        Extract(message).Should().Be("Subject: x\r\nTo: y@example.co.jp\r\n");
    }

    [Test]
    public void A_line_of_only_white_space_also_ends_the_section()
    {
        Extract($"Subject: x\r\n \t\r\nX-Body: {Body}\r\n").Should().Be("Subject: x\r\n");
    }

    [Test]
    public void A_message_starting_with_an_empty_line_has_no_header_fields()
    {
        Extract($"\r\nSubject: {Body}\r\n").Should().BeEmpty();
    }

    [Test]
    public void Without_an_empty_line_every_field_is_kept()
    {
        Extract("Subject: x\r\nTo: y@example.co.jp").Should().Be("Subject: x\r\nTo: y@example.co.jp\r\n");
    }

    [Test]
    public void Fields_beyond_the_size_bound_are_left_out_whole()
    {
        var filler = string.Concat(Enumerable.Range(0, 4000).Select(i => $"X-Filler-{i:D4}: {new string('f', 80)}\r\n"));
        var message = $"Subject: first\r\n{filler}X-Folded: start\r\n {new string('c', 500)}\r\n\r\n";

        var section = Extract(message);

        section.Length.Should().BeLessThanOrEqualTo(HeaderSection.MaxHeaderBytes);
        section.Should().StartWith("Subject: first\r\n").And.EndWith("\r\n");
        section.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Should().OnlyContain(l => l.StartsWith("Subject:") || l.StartsWith("X-Filler-"));
    }

    [Test]
    public void Nothing_past_the_scan_bound_is_looked_at()
    {
        var junk = string.Concat(Enumerable.Repeat($"{new string('j', 100)}\r\n", (HeaderSection.MaxScanBytes / 102) + 10));
        Extract($"Subject: x\r\n{junk}X-After: {Body}\r\n\r\n").Should().Be("Subject: x\r\n");
    }

    [Test]
    public async Task Reading_a_spooled_message_stops_at_the_end_of_its_header_section()
    {
        var message = Encoding.ASCII.GetBytes($"Subject: x\r\nTo: y@example.co.jp\r\n\r\n" + string.Concat(Enumerable.Repeat($"{Body}\r\n", 500_000)));
        await using var stream = new CountingStream(message);

        var section = await DeliveryStatusNotification.ReadHeaderSectionAsync(stream);

        Encoding.ASCII.GetString(section).Should().Be("Subject: x\r\nTo: y@example.co.jp\r\n");
        stream.BytesRead.Should().BeLessThan(128 * 1024, "a 9 MB body is not read to find 34 bytes of headers");
    }

    [Test]
    public async Task Reading_a_message_of_only_headers_reads_to_its_end()
    {
        await using var stream = new CountingStream(Encoding.ASCII.GetBytes("Subject: x\r\nTo: y@example.co.jp\r\n"));

        Encoding.ASCII.GetString(await DeliveryStatusNotification.ReadHeaderSectionAsync(stream)).Should().Be("Subject: x\r\nTo: y@example.co.jp\r\n");
    }

    /// <summary>Counts what is read; MemoryStream's async reads go through these two.</summary>
    private sealed class CountingStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Count(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(base.Read(buffer));

        private int Count(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
