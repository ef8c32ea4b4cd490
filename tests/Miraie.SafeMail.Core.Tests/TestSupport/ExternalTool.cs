using System.ComponentModel;
using System.Diagnostics;

namespace Miraie.SafeMail.Core.Tests.TestSupport;

/// <summary>
/// Runs a real command-line tool (7z, unzip) as a peer to check our output against. A missing tool fails the test
/// with the package to install: these tests are never skipped silently.
/// </summary>
public static class ExternalTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    /// <summary>Runs <paramref name="tool"/> with each argument passed as-is (no shell), in a UTF-8 locale.</summary>
    public static Result Run(string tool, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LC_ALL"] = "C.UTF-8";
        start.Environment["LANG"] = "C.UTF-8";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"'{tool}' is needed by this test and could not be started ({e.Message}). " +
                "Install it: apt-get install -y p7zip-full unzip");
            throw;
        }

        using (process)
        {
            process.StandardInput.Close(); // a password prompt must fail, not hang
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} {string.Join(' ', arguments)} did not finish within {Timeout}.");
            }

            return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
    }

    public static Result Run(string tool, params string[] arguments) => Run(tool, arguments, environment: null);
}
