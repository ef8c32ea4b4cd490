using System.Text;
using Miraie.SafeMail.Gateway.Delivery;

namespace Miraie.SafeMail.Gateway.Tests.Delivery;

/// <summary>The header rewrite of BCC変換 on raw lines: which fields go, where the group goes, and the body streamed as stored.</summary>
public class UndisclosedRecipientsTests
{
    private static string Rewrite(string header) => Encoding.Latin1.GetString(UndisclosedRecipients.Rewrite(Encoding.Latin1.GetBytes(header)));

    [Test]
    public void Every_To_and_Cc_field_goes_with_its_folded_lines_and_the_group_takes_the_first_ones_place()
    {
        var header = string.Join("\r\n",
            "Received: from x by y; Fri, 27 Nov 2026 10:25:11 +0900",
            "cc: =?UTF-8?B?5L2Q6Jek?= <c1@gamma.example.org>,",
            "\t=?ISO-2022-JP?B?GyRCOGFMWhsoQg==?= <c2@gamma.example.org>",
            "Subject: To: and Cc: in a subject stay",
            "TO : a1@alpha.example.com,",
            "   ",
            "  a2@alpha.example.com",
            "Reply-To: tanaka@example.co.jp",
            "In-Reply-To: <x@example.co.jp>",
            "X-To: kept@example.com",
            "Resent-Cc: kept@example.com",
            "Cc: d1@delta.example.jp",
            "");

        Rewrite(header).Should().Be(string.Join("\r\n",
            "Received: from x by y; Fri, 27 Nov 2026 10:25:11 +0900",
            "To: undisclosed-recipients:;",
            "Subject: To: and Cc: in a subject stay",
            "Reply-To: tanaka@example.co.jp",
            "In-Reply-To: <x@example.co.jp>",
            "X-To: kept@example.com",
            "Resent-Cc: kept@example.com",
            ""));
    }

    [Test]
    public void Without_To_or_Cc_the_group_ends_the_header_fields()
    {
        Rewrite("From: a@example.co.jp\r\nSubject: x\r\n").Should().Be("From: a@example.co.jp\r\nSubject: x\r\nTo: undisclosed-recipients:;\r\n");
        Rewrite("From: a@example.co.jp").Should().Be("From: a@example.co.jp\r\nTo: undisclosed-recipients:;\r\n");
    }

    [Test]
    public void Bare_LF_lines_keep_their_line_ends()
    {
        Rewrite("From: a@example.co.jp\nTo: b@example.com,\n c@example.com\nSubject: x\n").Should().Be("From: a@example.co.jp\nTo: undisclosed-recipients:;\nSubject: x\n");
    }

    [Test]
    public async Task The_body_is_streamed_as_stored_after_the_rewritten_header_and_the_stream_seeks()
    {
        var body = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(body);
        var head = "From: a@example.co.jp\r\nTo: b@example.com, c@example.com\r\nCc: d@example.com\r\nSubject: x\r\n\r\nTo: a body line\r\n"u8.ToArray();
        var stored = new MemoryStream([.. head, .. body]);

        await using var output = await UndisclosedRecipients.OpenAsync(stored, CancellationToken.None);
        var expected = Encoding.ASCII.GetBytes("From: a@example.co.jp\r\nTo: undisclosed-recipients:;\r\nSubject: x\r\n\r\nTo: a body line\r\n").Concat(body).ToArray();
        output.Length.Should().Be(expected.Length);
        (await ReadAllAsync(output)).Should().Equal(expected);

        output.Position = 10; // read again from anywhere, as the smarthost transport does
        (await ReadAllAsync(output)).Should().Equal(expected[10..]);
        output.Position = expected.Length - 5;
        (await ReadAllAsync(output)).Should().Equal(expected[^5..]);
    }

    [Test]
    public async Task A_message_that_starts_with_its_body_gets_the_group_before_it()
    {
        await using var output = await UndisclosedRecipients.OpenAsync(new MemoryStream("\r\nTo: not a field\r\n"u8.ToArray()), CancellationToken.None);
        Encoding.ASCII.GetString(await ReadAllAsync(output)).Should().Be("To: undisclosed-recipients:;\r\n\r\nTo: not a field\r\n");
    }

    [Test]
    public async Task A_header_section_too_large_to_rewrite_is_refused_not_sent_with_its_addresses()
    {
        var huge = new StringBuilder("To: a@example.com\r\n");
        while (huge.Length <= UndisclosedRecipients.MaxHeaderBytes + 100)
        {
            huge.Append("X-Filler: ").Append('x', 900).Append("\r\n");
        }

        var stored = new MemoryStream(Encoding.ASCII.GetBytes(huge.Append("\r\nbody\r\n").ToString()));
        var open = () => UndisclosedRecipients.OpenAsync(stored, CancellationToken.None);
        await open.Should().ThrowAsync<InvalidDataException>();
        stored.CanRead.Should().BeFalse("the stored stream is disposed with the failure");
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        var copy = new MemoryStream();
        var buffer = new byte[7000]; // reads that straddle the end of the rewritten header
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }
}
