using System.Text;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>Messages as they travel: serialised with CRLF (as MailKit's SmtpClient writes them) and parsed back.</summary>
public static class Wire
{
    private static readonly FormatOptions Smtp = new() { NewLineFormat = NewLineFormat.Dos };

    public static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(Smtp, stream);
        return stream.ToArray();
    }

    public static MimeMessage Parse(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return MimeMessage.Load(stream);
    }

    /// <summary>Serialises and parses back: every assertion then looks at what a receiver would see.</summary>
    public static MimeMessage RoundTrip(MimeMessage message) => Parse(Bytes(message));

    /// <summary>
    /// What a server without 8BITMIME accepts (RFC 5321 §2.4, §4.5.3.1.6): only 7-bit bytes, no NUL, CRLF line endings
    /// only, no line over 998 octets; and every part's transfer encoding one that keeps it so.
    /// </summary>
    public static void ShouldBeSafeWithout8BitMime(byte[] bytes)
    {
        bytes.Should().NotContain(b => b >= 0x80, "a server without 8BITMIME accepts 7-bit data only");
        bytes.Should().NotContain(0, "NUL is not allowed in SMTP data");
        var lineLength = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\r')
            {
                (i + 1 < bytes.Length && bytes[i + 1] == '\n').Should().BeTrue($"CR at offset {i} must start a CRLF");
                lineLength = 0;
                i++;
                continue;
            }

            bytes[i].Should().NotBe((byte)'\n', $"LF at offset {i} must follow a CR");
            lineLength++;
            lineLength.Should().BeLessThanOrEqualTo(998, $"line at offset {i} is too long");
        }

        foreach (var entity in Parse(bytes).BodyParts)
        {
            entity.Headers[HeaderId.ContentTransferEncoding]?.Trim().ToLowerInvariant()
                .Should().BeOneOf([null, "7bit", "quoted-printable", "base64"], $"{entity.ContentType.MimeType} must be 7-bit safe");
        }
    }

    /// <summary>Every part's content decoded (base64, quoted-printable) as text, for "this never leaks" checks.</summary>
    public static string AllDecodedContent(MimeMessage message)
    {
        var text = new StringBuilder();
        foreach (var entity in message.BodyParts)
        {
            if (entity is MimePart { Content: not null } part)
            {
                using var decoded = new MemoryStream();
                part.Content.DecodeTo(decoded);
                text.AppendLine(Encoding.UTF8.GetString(decoded.ToArray()));
            }
            else if (entity is MessagePart { Message: not null } attached)
            {
                text.AppendLine(attached.Message.ToString());
            }
        }

        return text.ToString();
    }
}
