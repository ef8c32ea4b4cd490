using System.Diagnostics;
using System.Globalization;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// Runs the real <c>swaks</c> (Debian package swaks) against a host and port and captures its exit code and full
/// transcript. Set the properties, then call <see cref="RunAsync"/>. A missing swaks is a failure, never a skip.
/// </summary>
/// <example>
/// <code>
/// var result = await new Swaks(server.Host, server.Port) { From = "a@src.test", To = ["b@dst.test"], DataFile = eml }.RunAsync();
/// result.ExitCode.Should().Be(0, result.Transcript);
/// </code>
/// </example>
public sealed class Swaks(string host, int port)
{
    /// <summary>The command that installs swaks, quoted in the failure when it is missing.</summary>
    public const string InstallCommand = "apt-get install -y swaks";

    /// <summary>Envelope sender (<c>--from</c>); an empty string sends the null sender <c>&lt;&gt;</c>.</summary>
    public string From { get; init; } = "sender@src.test";

    /// <summary>Envelope recipients (<c>--to a,b</c>).</summary>
    public IReadOnlyList<string> To { get; init; } = ["rcpt@dst.test"];

    /// <summary>
    /// A file sent as the whole DATA (<c>--data @FILE</c>). swaks turns LF line ends into CRLF, replaces its
    /// <c>%TOKENS%</c>, and always sends <c>&lt;CRLF&gt;.&lt;CRLF&gt;</c> after the file: a file that ends with a newline
    /// arrives with an extra empty last line. Leave the final newline out when comparing bytes.
    /// </summary>
    public string? DataFile { get; init; }

    /// <summary>Body text of swaks' own test message (<c>--body</c>); ignored with <see cref="DataFile"/>.</summary>
    public string? Body { get; init; }

    /// <summary>Files attached to swaks' own message (<c>--attach @FILE</c>, each as application/octet-stream).</summary>
    public IReadOnlyList<string> Attachments { get; init; } = [];

    /// <summary>Require STARTTLS (<c>--tls</c>); swaks does not verify the certificate.</summary>
    public bool Tls { get; init; }

    /// <summary>Implicit TLS from the first byte (<c>--tls-on-connect</c>).</summary>
    public bool TlsOnConnect { get; init; }

    /// <summary>AUTH mechanism (<c>--auth PLAIN</c>, <c>LOGIN</c>…); with <see cref="AuthUser"/> and <see cref="AuthPassword"/>.</summary>
    public string? AuthType { get; init; }

    /// <summary>User for <c>--auth-user</c>.</summary>
    public string? AuthUser { get; init; }

    /// <summary>Password for <c>--auth-password</c>.</summary>
    public string? AuthPassword { get; init; }

    /// <summary>Anything else, appended as given (e.g. <c>--quit-after</c>, <c>RCPT</c>).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>Kill swaks if it runs longer. Default 60 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The program to run; default <c>swaks</c> from PATH.</summary>
    public string Executable { get; init; } = "swaks";

    /// <summary>The arguments <see cref="RunAsync"/> passes, for logs.</summary>
    public IReadOnlyList<string> Arguments
    {
        get
        {
            var args = new List<string>
            {
                "--server", $"{host}:{port.ToString(CultureInfo.InvariantCulture)}",
                "--from", From.Length == 0 ? "<>" : From,
                "--to", string.Join(',', To),
                "--helo", "swaks.test",
            };
            if (DataFile is not null)
            {
                args.AddRange(["--data", "@" + DataFile]);
            }
            else if (Body is not null)
            {
                args.AddRange(["--body", Body]);
            }

            foreach (var attachment in Attachments)
            {
                args.AddRange(["--attach", "@" + attachment]);
            }

            if (Tls)
            {
                args.Add("--tls");
            }

            if (TlsOnConnect)
            {
                args.Add("--tls-on-connect");
            }

            if (AuthType is not null)
            {
                args.AddRange(["--auth", AuthType]);
            }

            if (AuthUser is not null)
            {
                args.AddRange(["--auth-user", AuthUser]);
            }

            if (AuthPassword is not null)
            {
                args.AddRange(["--auth-password", AuthPassword]);
            }

            args.AddRange(ExtraArguments);
            return args;
        }
    }

    /// <summary>Runs swaks once and returns its exit code and transcript (stdout and stderr as they came).</summary>
    public async Task<SwaksResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var path = Resolve(Executable) ?? throw new InvalidOperationException(
            $"'{Executable}' was not found on PATH: the gateway tests need the real swaks. Install it with `{InstallCommand}` (or tests/install-deps.sh).");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {path}");
        process.StandardInput.Close(); // swaks prompts for anything missing; with no input it fails instead of hanging
        var transcript = new List<string>();
        process.OutputDataReceived += (_, e) => Add(transcript, e.Data);
        process.ErrorDataReceived += (_, e) => Add(transcript, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"swaks ran longer than {Timeout.TotalSeconds:0} s; transcript so far:\n{Joined(transcript)}");
        }

        process.WaitForExit(); // drains the redirected streams
        return new SwaksResult(process.ExitCode, Joined(transcript));
    }

    private static void Add(List<string> transcript, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (transcript)
        {
            transcript.Add(line);
        }
    }

    private static string Joined(List<string> transcript)
    {
        lock (transcript)
        {
            return string.Join('\n', transcript);
        }
    }

    private static string? Resolve(string executable)
    {
        if (executable.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(executable) ? executable : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);
    }
}
