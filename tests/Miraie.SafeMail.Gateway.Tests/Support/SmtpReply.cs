using System.Globalization;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// One SMTP reply: a three-digit code and one or more lines. Used to script <see cref="CapturingSmtpServer"/>
/// (<c>SmtpReply.Parse("550 5.1.1 user unknown")</c>) and returned by <c>RawSmtpClient</c>, where a
/// multi-line reply (<c>250-…</c> … <c>250 …</c>) keeps every line.
/// </summary>
public sealed class SmtpReply
{
    /// <summary>Creates a reply from its code and its lines as they appear on the wire, without CRLF.</summary>
    public SmtpReply(int code, IReadOnlyList<string> lines)
    {
        if (code is < 200 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "an SMTP reply code is 2xx, 3xx, 4xx or 5xx");
        }

        Code = code;
        Lines = lines;
    }

    /// <summary>The reply code, e.g. 250 or 550.</summary>
    public int Code { get; }

    /// <summary>The raw lines, e.g. <c>250-PIPELINING</c>, <c>250 SMTPUTF8</c> (no CRLF).</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The text of every line after its code and separator, one entry per line.</summary>
    public IReadOnlyList<string> TextLines => Lines.Select(l => l.Length > 4 ? l[4..] : string.Empty).ToList();

    /// <summary>The text of all lines joined with LF, e.g. <c>5.1.1 user unknown</c>.</summary>
    public string Text => string.Join('\n', TextLines);

    /// <summary>True for 2xx and 3xx.</summary>
    public bool IsPositive => Code < 400;

    /// <summary>True for 4xx: try again later.</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>True for 5xx: do not try again.</summary>
    public bool IsPermanent => Code >= 500;

    /// <summary>Parses a one-line reply such as <c>451 4.3.0 try later</c> (the text may be empty: <c>250</c>).</summary>
    public static SmtpReply Parse(string reply)
    {
        if (reply.Length < 3 || !int.TryParse(reply.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            || (reply.Length > 3 && reply[3] != ' ') || reply.Contains('\r', StringComparison.Ordinal) || reply.Contains('\n', StringComparison.Ordinal))
        {
            throw new FormatException($"not a one-line SMTP reply: '{reply}'");
        }

        return new SmtpReply(code, [reply.Length == 3 ? reply + " " : reply]);
    }

    /// <summary>The reply as sent on the wire, lines separated by CRLF.</summary>
    public override string ToString() => string.Join("\r\n", Lines);
}
