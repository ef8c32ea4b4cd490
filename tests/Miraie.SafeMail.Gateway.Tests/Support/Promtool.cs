using System.ComponentModel;
using System.Diagnostics;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// Prometheus's own checker (Debian's <c>prometheus</c> package): lints scraped metrics, checks the shipped scrape
/// configuration and alert rules, and runs their unit tests. Missing, it fails the test naming the package: never skipped.
/// </summary>
internal static class Promtool
{
    /// <summary>Runs <c>promtool</c> with <paramref name="arguments"/> (and <paramref name="input"/> on stdin); exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"promtool is needed by this test and could not be started ({e.Message}). Install it: apt-get install -y --no-install-recommends prometheus");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(input ?? "");
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
    }

    /// <summary>The repository's root (where docs/ is), from the test's output folder.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "docs", "deploy")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("docs/deploy");
    }
}
