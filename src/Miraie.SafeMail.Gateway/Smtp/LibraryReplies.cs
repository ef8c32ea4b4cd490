using System.Text.RegularExpressions;

namespace Miraie.SafeMail.Gateway.Smtp;

/// <summary>
/// Every reply SmtpServer 11.1.0 writes on its own, in the gateway's words with RFC 3463 enhanced status codes (Postfix's
/// wording where Postfix has one). The library's texts are fixed in its code ("haven't we met before?", "maximium",
/// <c>221</c> for a timeout): they are recognised here and replaced on the way out (see ADR-012). A text this table does
/// not know gets a neutral one by its reply class, so no library wording reaches a client even after an upgrade.
/// </summary>
internal static partial class LibraryReplies
{
    /// <summary>What the session knew when the library wrote the reply.</summary>
    /// <param name="ServerName">The gateway's name, for 421 replies.</param>
    /// <param name="LastCommand">The last command the library ran (MAIL, RCPT, QUIT…).</param>
    /// <param name="RefusedVerb">The first word of a line the library could not parse, when this reply is for one.</param>
    /// <param name="InData">True when this reply ends DATA.</param>
    /// <param name="Stopping">True while the host is stopping.</param>
    public readonly record struct Situation(string ServerName, string? LastCommand, string? RefusedVerb, bool InData, bool Stopping);

    /// <summary>The gateway's reply (code and text) for a reply the library wrote.</summary>
    public static (int Code, string Text) Translate(int code, string text, Situation at)
    {
        var server = at.ServerName;
        switch (code, text)
        {
            case (250, "Ok"):
                return (250, at.LastCommand switch { "MAIL" => "2.1.0 Ok", "RCPT" => "2.1.5 Ok", _ => "2.0.0 Ok" });
            case (220, "ready when you are"):
                return (220, "2.0.0 Ready to start TLS");
            case (221, "bye"):
                return at.LastCommand == "QUIT" ? (221, "2.0.0 Bye") : (421, $"4.7.0 {server} Error: too many failed authentication attempts");
            case (221, "Timeout while waiting for input."):
                return (421, $"4.4.2 {server} Error: timeout exceeded");
            case (221, "The session has be cancelled."):
                return at.Stopping ? ShuttingDown(server) : (421, $"4.4.2 {server} Error: session time limit exceeded");
            case (235, "go ahead"):
                return (235, "2.7.0 Authentication successful");
            case (354, "end with <CRLF>.<CRLF>"):
                return (354, "End data with <CR><LF>.<CR><LF>");
            case (501, "missing the FROM:"):
                return (501, "5.5.4 Syntax: MAIL FROM:<address>");
            case (501, "missing the TO:"):
                return (501, "5.5.4 Syntax: RCPT TO:<address>");
            case (501, "syntax error" or ""):
                return (501, "5.5.2 Error: syntax error");
            case (501, _) when text.StartsWith("expected ", StringComparison.Ordinal):
            case (503, "bad sequence of commands"):
                return (503, "5.5.1 Error: bad sequence of commands");
            case (502, "Unrecognized command"):
                return Unparsed(at.RefusedVerb); // the library's parser says this for every line it cannot read
            case (530, "authentication required"):
                return (530, "5.7.0 Authentication required");
            case (535, _) when text.StartsWith("authentication failed", StringComparison.Ordinal):
                return (535, "5.7.8 Error: authentication failed");
            case (550, "mailbox unavailable"):
                return at.LastCommand == "MAIL" ? (550, "5.1.0 Error: sender address rejected") : (550, "5.1.1 Error: recipient address rejected");
            case (552, "size limit exceeded"):
                return (552, "5.3.4 Error: message size exceeds fixed limit");
            case (552, "message size exceeds fixed maximium message size"):
                return at.InData ? (552, "5.3.4 Error: message size exceeds fixed limit") : (500, "5.5.2 Error: line too long");
            case (553, "mailbox name not allowed"):
                return (553, "5.1.3 Error: bad address syntax");
            case (554, "no valid recipients given"):
                return (554, "5.5.1 Error: no valid recipients");
            case (554, ""):
                // DATA's catch-all: something failed on our side, never the message's fault, so the client must retry.
                return at.Stopping ? ShuttingDown(server) : (451, "4.3.0 Error: local error in processing, try again later");
            default:
                return Neutral(code);
        }
    }

    /// <summary>True when the text already starts with an enhanced status code: the gateway's own reply.</summary>
    public static bool HasEnhancedCode(string text) => EnhancedCode().IsMatch(text);

    /// <summary>The text without the library's <c>, N retry(ies) remaining.</c> suffix (it adds it to every refusal, ours too).</summary>
    public static string WithoutRetryCount(string text) => RetryCount().Replace(text, "");

    private static (int, string) Unparsed(string? verb) => verb switch
    {
        "MAIL" => (501, "5.5.4 Syntax: MAIL FROM:<address>"),
        "RCPT" => (501, "5.5.4 Syntax: RCPT TO:<address>"),
        "HELO" or "EHLO" => (501, $"5.5.4 Syntax: {verb} hostname"),
        "AUTH" => (501, "5.5.4 Syntax: AUTH mechanism"),
        "DATA" or "RSET" or "NOOP" or "QUIT" or "STARTTLS" => (501, "5.5.4 Error: syntax error"),
        _ => (502, "5.5.2 Error: command not recognized"),
    };

    private static (int, string) ShuttingDown(string server) => (421, $"4.3.2 {server} Service shutting down, closing connection");

    private static (int, string) Neutral(int code) => (code / 100) switch
    {
        2 => (code, "2.0.0 Ok"),
        4 => (code, "4.0.0 Error: temporary failure, try again later"),
        5 => (code, "5.0.0 Error: command refused"),
        _ => (code, ""),
    };

    [GeneratedRegex(@"^[245]\.\d{1,3}\.\d{1,3}( |$)", RegexOptions.CultureInvariant)]
    private static partial Regex EnhancedCode();

    [GeneratedRegex(@", \d+ retry\(ies\) remaining\.$", RegexOptions.CultureInvariant)]
    private static partial Regex RetryCount();
}
