using System.Diagnostics;
using System.Text;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Cli.Tests;

/// <summary>Runs the real <c>safemail</c> program (the built safemail.dll) as a separate process and captures what it prints.</summary>
internal static class SafemailProcess
{
    public static string RepositoryRoot { get; } = FindRoot();

    public sealed record Result(int ExitCode, string Out, string Error);

    public static Task<Result> RunInAsync(string language, IDictionary<string, string>? environment, params string[] args) =>
        RunWithInputAsync(null, language, environment, args);

    /// <summary>Runs with <paramref name="input"/> piped to standard input (a password, as a script would give it).</summary>
    public static async Task<Result> RunWithInputAsync(string? input, string language, IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = RepositoryRoot,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safemail.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LANG"] = language == "ja" ? "ja_JP.UTF-8" : "en_US.UTF-8";
        start.Environment["LC_ALL"] = start.Environment["LANG"];
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SafeMail__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        // The data directory's database in this run's provider (TestDatabase): named by the environment or the settings file.
        // A test that names the provider itself gets exactly that.
        if (environment?.ContainsKey("SafeMail__Gateway__DatabaseProvider") != true && DataDirectory(environment, args) is { } data)
        {
            foreach (var (key, value) in TestDatabase.Environment(data))
            {
                start.Environment.TryAdd(key, value);
            }
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    public static Task<Result> RunAsync(params string[] args) => RunInAsync("en", null, args);

    private static string? DataDirectory(IDictionary<string, string>? environment, string[] args)
    {
        if (environment is not null && environment.TryGetValue("SafeMail__Gateway__DataDirectory", out var fromEnvironment))
        {
            return fromEnvironment;
        }

        var index = Array.IndexOf(args, "--settings");
        if (index < 0 || index + 1 >= args.Length || !File.Exists(args[index + 1]))
        {
            return null;
        }

        using var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(args[index + 1]));
        return settings.RootElement.TryGetProperty("SafeMail", out var safemail) && safemail.TryGetProperty("Gateway", out var gateway)
            && gateway.TryGetProperty("DataDirectory", out var directory) ? directory.GetString() : null;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Miraie.SafeMail.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
