using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// Python 3's standard <c>email</c> package as a second, independent MIME parser. python3 missing fails the test with
/// the package to install: it is never skipped.
/// </summary>
public static class Python
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>Runs <paramref name="script"/> with the message file as <c>sys.argv[1]</c> and parses the JSON it prints.</summary>
    public static JsonElement Run(string script, byte[] message)
    {
        var file = Path.Combine(Path.GetTempPath(), $"safemail-{Guid.NewGuid():N}.eml");
        File.WriteAllBytes(file, message);
        try
        {
            var start = new ProcessStartInfo("python3")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(file);
            start.Environment["PYTHONIOENCODING"] = "utf-8";

            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
            }
            catch (Win32Exception e)
            {
                Assert.Fail($"python3 is needed by this test (its email package is the second parser) and could not be started ({e.Message}). " +
                    "Install it: apt-get install -y python3");
                throw;
            }

            using (process)
            {
                process.StandardInput.Close();
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(Timeout))
                {
                    process.Kill(entireProcessTree: true);
                    Assert.Fail($"python3 did not finish within {Timeout}.");
                }

                var output = stdout.GetAwaiter().GetResult();
                process.ExitCode.Should().Be(0, $"python3 failed: {stderr.GetAwaiter().GetResult()}");
                return JsonDocument.Parse(output).RootElement.Clone();
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
