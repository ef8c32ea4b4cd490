using System.Globalization;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// What one session's client is told, reply by reply: the library's wording becomes the gateway's
/// (<see cref="LibraryReplies"/>), refusals are counted, and once the session ends (a timeout, too many errors) the client
/// gets one <c>421</c> and nothing after it.
/// <para>
/// Errors are counted as Postfix's <c>smtpd_hard_error_limit</c> does: <see cref="ErrorLimit"/> 4xx/5xx replies without a
/// message accepted in between end the session. A recipient over the limit (<c>452 4.5.3</c>) is not an error: an MTA
/// sends every recipient before it reads the replies, then delivers the rest in another transaction (RFC 5321
/// §4.5.3.1.10). Only beyond <see cref="RecipientOvershoot"/> such refusals do they count (Postfix's
/// <c>smtpd_recipient_overshoot_limit</c>).
/// </para>
/// SmtpServer's own error count (consecutive refusals, then a silent close) is switched off: it closed the connection
/// after the fifth excess recipient, before DATA, so such a sender lost the whole transaction on every retry.
/// </summary>
internal sealed class SessionReplies(string serverName, Func<bool> stopping)
{
    /// <summary>Errors (4xx/5xx replies) allowed without a message accepted in between.</summary>
    public const int ErrorLimit = 20;

    /// <summary>Excess-recipient refusals in a session before each further one counts as an error.</summary>
    public const int RecipientOvershoot = 1000;

    private string? _lastCommand;
    private string? _refusedVerb;
    private bool _inData;
    private int _errors;
    private int _overshoot;
    private volatile string? _ending; // the 421 to send instead of the next reply
    private volatile bool _ended;

    /// <summary>True once the client has been told the session is over: nothing more is sent.</summary>
    public bool HasEnded => _ended;

    /// <summary>The command whose reply comes next (the library names it before running it).</summary>
    public void CommandStarting(string name) => _lastCommand = name;

    /// <summary>The library could not parse a line starting with <paramref name="verb"/>: its reply comes next.</summary>
    public void LineRefused(string? verb) => _refusedVerb = verb;

    /// <summary>Ends the session: the next reply the library writes is replaced by <paramref name="reply"/> (a 421 line).</summary>
    public void End(string reply) => _ending ??= reply;

    /// <summary>The lines (without CRLF) to send for one reply the library wrote; none once the session has ended.</summary>
    public IReadOnlyList<string> Rewrite(IReadOnlyList<string> lines)
    {
        if (_ended)
        {
            return [];
        }

        if (_ending is { } ending)
        {
            _ended = true;
            return [ending];
        }

        if (lines.Count != 1 || lines[0].Length < 3 || !int.TryParse(lines[0].AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return lines; // EHLO's list (its first line is ours), the only multi-line reply the library writes
        }

        var text = LibraryReplies.WithoutRetryCount(lines[0].Length > 4 ? lines[0][4..] : "");
        if (code != 334 && text != serverName && !text.StartsWith(serverName + " ", StringComparison.Ordinal) && !LibraryReplies.HasEnhancedCode(text))
        {
            (code, text) = LibraryReplies.Translate(code, text, new LibraryReplies.Situation(serverName, _lastCommand, _refusedVerb, _inData, stopping()));
        }

        _refusedVerb = null;
        var reply = text.Length == 0 ? code.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{code} {text}");
        Count(code, text);
        if (code == 421)
        {
            _ended = true;
        }
        else if (_errors >= ErrorLimit)
        {
            _ended = true;
            return [reply, $"421 4.7.0 {serverName} Error: too many errors"];
        }

        return [reply];
    }

    private void Count(int code, string text)
    {
        if (_inData)
        {
            _inData = false;
            if (code < 400)
            {
                _errors = 0; // a message was accepted
            }
        }

        if (code == 354)
        {
            _inData = true;
        }
        else if (code >= 400 && (!text.StartsWith("4.5.3", StringComparison.Ordinal) || ++_overshoot > RecipientOvershoot))
        {
            _errors++;
        }
    }
}
