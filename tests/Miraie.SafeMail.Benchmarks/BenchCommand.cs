using System.Diagnostics;
using System.Globalization;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Benchmarks;

/// <summary>
/// Command line of the harness used by the scripts in tests/bench:
/// <c>gen-random BYTES OUT</c>, <c>gen-text BYTES OUT</c>, <c>inspect FILE [--runs N] [--message]</c>.
/// Password ZIPs are benchmarked through the real <c>safemail protect</c> command, not here.
/// </summary>
internal static class BenchCommand
{
    private const string Usage = """
        usage: safemail-bench gen-random BYTES OUT        deterministic incompressible bytes
               safemail-bench gen-text BYTES OUT          deterministic Japanese/English CSV-like text
               safemail-bench inspect FILE [--runs N] [--message]
                   inspect FILE as an attachment (or, with --message, as a whole .eml) N times (default 10);
                   prints "median_ms mean_ms MB_per_s allocated_MiB peak_working_set_MiB protection"
               safemail-bench seed-quarantine DATA_DIR COUNT
                   a gateway database in DATA_DIR with COUNT quarantined messages over 30 days (console benchmarks)
               safemail-bench seed-held DATA_DIR COUNT OWN
                   a gateway database in DATA_DIR with COUNT held messages, OWN of them from bench.sender@example.co.jp
        """;

    internal static async Task<int> RunAsync(string[] args)
    {
        return args.FirstOrDefault() switch
        {
            "gen-random" when args.Length == 3 => Generate(args[2], long.Parse(args[1], CultureInfo.InvariantCulture), InputGenerators.WriteRandom),
            "gen-text" when args.Length == 3 => Generate(args[2], long.Parse(args[1], CultureInfo.InvariantCulture), InputGenerators.WriteText),
            "seed-quarantine" when args.Length == 3 => await QuarantineSeeder.SeedAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture)),
            "seed-held" when args.Length == 4 => await HeldSeeder.SeedAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture),
                int.Parse(args[3], CultureInfo.InvariantCulture)),
            "inspect" when args.Length >= 2 => await InspectAsync(args[1], Option(args, "--runs", 10), args.Contains("--message")),
            _ => Fail(Usage),
        };
    }

    private static async Task<int> InspectAsync(string path, int runs, bool message)
    {
        var inspector = new MessageInspector(new InspectionLimits());
        var size = new FileInfo(path).Length;
        var times = new List<double>();
        var status = "";
        await OnceAsync(); // warm-up: JIT and first-use costs are not what a running gateway pays per message
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            await OnceAsync();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)runs / (1024 * 1024);
        times.Sort();
        var median = times[times.Count / 2];
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{median:0.00} {times.Average():0.00} {size / (1024.0 * 1024) / (median / 1000):0.0} {allocated:0.00} {peak:0.0} {status}"));
        return 0;

        async Task OnceAsync()
        {
            await using var stream = File.OpenRead(path);
            if (message)
            {
                var report = await inspector.InspectAsync(stream);
                status = string.Join(",", report.Attachments.Select(a => a.Protection)) + (report.Problems.Count > 0 ? "+problems" : "");
            }
            else
            {
                status = (await inspector.InspectFileAsync(stream, Path.GetFileName(path))).Protection.ToString();
            }
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static int Generate(string path, long bytes, Action<Stream, long> write)
    {
        using var file = File.Create(path);
        write(file, bytes);
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
