using System.Diagnostics;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// One run of a SafeMail program (<c>safemail-gateway.dll</c>, <c>safemail-web.dll</c>) from the test's output folder,
/// to its exit: for what an operator sees when it refuses to start.
/// </summary>
internal sealed record ProgramRun(int ExitCode, IReadOnlyList<string> StandardOutput, IReadOnlyList<string> StandardError)
{
    /// <summary>Every line written, standard output then standard error.</summary>
    public IEnumerable<string> AllLines => StandardOutput.Concat(StandardError);

    /// <summary>
    /// Asserts a refused start as an operator should see it: exit code 78 and exactly one line on standard error per
    /// setting in <paramref name="keys"/>, in that order, each <c>program: key: …</c>; no stack trace anywhere.
    /// </summary>
    public void ShouldBeRefusedFor(string program, params string[] keys)
    {
        var all = string.Join('\n', AllLines);
        ExitCode.Should().Be(78, all);
        StandardError.Should().HaveCount(keys.Length, all);
        for (var i = 0; i < keys.Length; i++)
        {
            StandardError[i].Should().StartWith($"{program}: {keys[i]}: ", all);
        }

        AllLines.Should().NotContain(l => l.Contains("Exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal),
            "a refusal is not a crash");
    }

    public static async Task<ProgramRun> RunAsync(string program, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        start.ArgumentList.Add("--SafeMail:Observability:Urls=http://127.0.0.1:0"); // never the fixed default port; a test's own value comes later and wins
        start.ArgumentList.Add("--SafeMail:Download:Urls=http://127.0.0.1:0");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_gcServer"] = "0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not exit: it started instead of refusing?\n{await output}{await error}");
        }

        return new ProgramRun(process.ExitCode, Lines(await output), Lines(await error));
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
}
