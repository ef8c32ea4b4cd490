using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// A deliberately dumb SMTP client over TCP for malformed-input tests: it sends exactly the bytes it is given (bare
/// LF, <c>&lt;LF&gt;.&lt;CR&gt;&lt;LF&gt;</c>, overlong lines, pipelined commands, one byte per packet) and reads
/// replies line by line with a timeout. Nothing is fixed up; Nagle is off so each send leaves as its own segment.
/// </summary>
public sealed class RawSmtpClient : IAsyncDisposable, IDisposable
{
    private const int TranscriptLimit = 160;
    private readonly TcpClient _tcp;
    private readonly byte[] _receive = new byte[64 * 1024];
    private readonly List<string> _transcript = [];
    private Stream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _length;
    private Task<int>? _read;
    private bool _closed;

    private RawSmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>How long a read waits by default before <see cref="TimeoutException"/>. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>What was sent (<c>C: </c>) and received (<c>S: </c>), CR and LF shown as &lt;CR&gt; and &lt;LF&gt;, for failure messages.</summary>
    public IReadOnlyList<string> Transcript
    {
        get { lock (_transcript) { return [.. _transcript]; } }
    }

    /// <summary>True after <see cref="StartTlsAsync"/>.</summary>
    public bool IsSecure => _stream is SslStream;

    /// <summary>True once the server has closed the connection (a read returned end of stream).</summary>
    public bool IsClosedByServer => _closed;

    /// <summary>Connects; the greeting is left unread (read it with <see cref="ReadReplyAsync"/>).</summary>
    public static async Task<RawSmtpClient> ConnectAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(host, port, cancellationToken);
            return new RawSmtpClient(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends exactly these bytes.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        Log("C: ", Encoding.UTF8.GetString(bytes.Span));
        await _stream.WriteAsync(bytes, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>Sends the UTF-8 bytes of <paramref name="text"/> exactly: write every CR and LF yourself.</summary>
    public Task SendAsync(string text, CancellationToken cancellationToken = default) => SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Sends <paramref name="line"/> followed by CRLF.</summary>
    public Task SendLineAsync(string line, CancellationToken cancellationToken = default) => SendAsync(line + "\r\n", cancellationToken);

    /// <summary>Sends each byte as its own write (and TCP segment): for terminators split across reads.</summary>
    public async Task SendBytewiseAsync(string text, CancellationToken cancellationToken = default)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            await _stream.WriteAsync(new[] { b }, cancellationToken);
            await _stream.FlushAsync(cancellationToken);
        }

        Log("C: (byte by byte) ", text);
    }

    /// <summary>Sends a command line and reads its (possibly multi-line) reply.</summary>
    public async Task<SmtpReply> CommandAsync(string line, CancellationToken cancellationToken = default)
    {
        await SendLineAsync(line, cancellationToken);
        return await ReadReplyAsync(null, cancellationToken);
    }

    /// <summary>Reads one line (up to LF; a CR before it is dropped). Null when the server closed the connection first.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', 0, _length);
            if (lf >= 0)
            {
                var end = lf > 0 && _buffer[lf - 1] == '\r' ? lf - 1 : lf;
                var line = Encoding.UTF8.GetString(_buffer, 0, end);
                Consume(lf + 1);
                Log("S: ", line);
                return line;
            }

            if (_closed || !await FillAsync(deadline, cancellationToken))
            {
                if (_closed)
                {
                    return null;
                }

                throw new TimeoutException($"no complete line within {(timeout ?? Timeout).TotalSeconds:0.###} s; transcript:\n{string.Join('\n', Transcript)}");
            }
        }
    }

    /// <summary>Reads one reply, every line of it; throws <see cref="TimeoutException"/> or, if the server closes first, <see cref="IOException"/>.</summary>
    public async Task<SmtpReply> ReadReplyAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? Timeout;
        return await TryReadReplyAsync(wait, cancellationToken)
            ?? throw (_closed
                ? new IOException($"the server closed the connection; transcript:\n{string.Join('\n', Transcript)}")
                : new TimeoutException($"no reply within {wait.TotalSeconds:0.###} s; transcript:\n{string.Join('\n', Transcript)}"));
    }

    /// <summary>
    /// Reads one reply if a complete one arrives within <paramref name="wait"/>; null otherwise (or when the server
    /// closed). Bytes of an incomplete reply stay buffered for the next read. For checking that the server stays silent.
    /// </summary>
    public async Task<SmtpReply?> TryReadReplyAsync(TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (TryTakeReply() is { } reply)
            {
                return reply;
            }

            if (_closed || !await FillAsync(deadline, cancellationToken))
            {
                return null;
            }
        }
    }

    /// <summary>Reads and drops whatever comes until the server closes; true if it closed within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_closed)
        {
            while (TryTakeReply() is not null)
            {
            }

            if (!await FillAsync(deadline, cancellationToken))
            {
                return _closed;
            }
        }

        return true;
    }

    /// <summary>
    /// Upgrades to TLS, trusting exactly <paramref name="serverCertificate"/> (the test server's self-signed one): after
    /// the caller sent STARTTLS and read its 220, or right after connecting to an implicit-TLS server. Whatever was
    /// still buffered from before the upgrade is discarded and reported in the transcript.
    /// </summary>
    public async Task StartTlsAsync(X509Certificate2 serverCertificate, string targetHost = "localhost", CancellationToken cancellationToken = default)
    {
        if (_read is not null)
        {
            throw new InvalidOperationException("a read is still pending on the plain connection");
        }

        if (_length > 0)
        {
            Log("S: (plaintext discarded before TLS) ", Encoding.UTF8.GetString(_buffer, 0, _length));
            _length = 0;
        }

        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString() == serverCertificate.GetCertHashString());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = targetHost }, cancellationToken);
        _stream = ssl;
        Log("C: ", $"(TLS established: {ssl.SslProtocol})");
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }

    /// <summary>Closes the connection.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private SmtpReply? TryTakeReply()
    {
        var lines = new List<string>();
        var offset = 0;
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', offset, _length - offset);
            if (lf < 0)
            {
                return null;
            }

            var end = lf > offset && _buffer[lf - 1] == '\r' ? lf - 1 : lf;
            var line = Encoding.UTF8.GetString(_buffer, offset, end - offset);
            lines.Add(line);
            offset = lf + 1;
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                Consume(offset);
                Log("S: ", line);
                throw new FormatException($"not an SMTP reply line: '{line}'");
            }

            if (line.Length == 3 || line[3] != '-')
            {
                Consume(offset);
                foreach (var l in lines)
                {
                    Log("S: ", l);
                }

                return new SmtpReply(code, lines);
            }
        }
    }

    private async Task<bool> FillAsync(DateTime deadline, CancellationToken cancellationToken)
    {
        var remaining = deadline - DateTime.UtcNow;
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        _read ??= ReadSafelyAsync();
        var finished = await Task.WhenAny(_read, Task.Delay(remaining, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        if (finished != _read)
        {
            return false; // the read stays pending and its bytes are picked up next time
        }

        var count = await _read;
        _read = null;
        if (count == 0)
        {
            _closed = true;
            Log("S: ", "(connection closed)");
            return true;
        }

        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        Array.Copy(_receive, 0, _buffer, _length, count);
        _length += count;
        return true;
    }

    private async Task<int> ReadSafelyAsync()
    {
        try
        {
            return await _stream.ReadAsync(_receive);
        }
        catch (IOException)
        {
            return 0; // reset by the peer counts as closed
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    private void Consume(int count)
    {
        Array.Copy(_buffer, count, _buffer, 0, _length - count);
        _length -= count;
    }

    private void Log(string prefix, string text)
    {
        var shown = text.Length > TranscriptLimit ? text[..TranscriptLimit] + $"… ({text.Length} chars)" : text;
        shown = shown.Replace("\r", "<CR>", StringComparison.Ordinal).Replace("\n", "<LF>", StringComparison.Ordinal);
        lock (_transcript)
        {
            _transcript.Add(prefix + shown);
        }
    }
}
