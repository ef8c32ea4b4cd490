using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// The real <c>safemail-gateway</c> program in its own process (so a test can <c>kill -9</c> it), with a settings file in
/// a temporary data directory. The SMTP port (0: chosen by the OS) is read from the program's own log line.
/// </summary>
internal sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private GatewayProcess(Process process) => _process = process;

    public IPEndPoint Smtp { get; private set; } = new(IPAddress.Loopback, 0);

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    private int _disposed;

    /// <summary>
    /// Starts a gateway on <paramref name="dataDirectory"/>, its database in this run's provider (TestDatabase) unless
    /// <paramref name="database"/> names one (environment variables; empty: SQLite in the data directory).
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(string dataDirectory, IDictionary<string, object?> smtpAndDelivery,
        IReadOnlyDictionary<string, string>? database = null)
    {
        var settings = Path.Combine(dataDirectory, "settings.json");
        smtpAndDelivery = new Dictionary<string, object?>(smtpAndDelivery);
        smtpAndDelivery.TryAdd("Observability", new Dictionary<string, object?> { ["Urls"] = "http://127.0.0.1:0" }); // never the fixed default port
        smtpAndDelivery.TryAdd("Download", new Dictionary<string, object?> { ["Urls"] = "http://127.0.0.1:0" });
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new Dictionary<string, object?> { ["SafeMail"] = smtpAndDelivery }));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safemail-gateway.dll"));
        start.ArgumentList.Add("--settings");
        start.ArgumentList.Add(settings);
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in database ?? TestDatabase.Environment(dataDirectory))
        {
            start.Environment[key] = value;
        }

        var gateway = new GatewayProcess(Process.Start(start)!);
        var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gateway._output)
            {
                gateway._output.Add(line);
            }

            if (Listening().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(IPEndPoint.Parse(match.Groups[1].Value));
            }
        }

        gateway._process.OutputDataReceived += (_, e) => Collect(e.Data);
        gateway._process.ErrorDataReceived += (_, e) => Collect(e.Data);
        gateway._process.BeginOutputReadLine();
        gateway._process.BeginErrorReadLine();
        try
        {
            gateway.Smtp = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await gateway.DisposeAsync();
            throw new InvalidOperationException("the gateway did not start: " + string.Join(Environment.NewLine, gateway.Output));
        }

        return gateway;
    }

    /// <summary>SIGKILL: no shutdown, no flush, exactly what a power cut or the OOM killer does to the process.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // a test may stop it early and its teardown again
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"SMTP listening on (\S+)")]
    private static partial Regex Listening();
}
