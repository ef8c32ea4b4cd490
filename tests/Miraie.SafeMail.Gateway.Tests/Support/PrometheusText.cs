using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>
/// A scrape of an observability listener, read the way Prometheus reads the text format: one sample per line,
/// <c>name{label="value",…} number</c>; comments skipped. Also fetches <c>/health/*</c>.
/// </summary>
internal sealed partial class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    private PrometheusText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var match = Sample().Match(line);
            match.Success.Should().BeTrue($"every sample line parses: {line}");
            var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            _samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>The text as served.</summary>
    public string Text { get; }

    public static async Task<PrometheusText> ScrapeAsync(Uri listener)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(listener, "/metrics"));
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (the gauges and counters move a moment after the SMTP reply), or 30 s; the last scrape.</summary>
    public static async Task<PrometheusText> ScrapeUntilAsync(Uri listener, Func<PrometheusText, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var scrape = await ScrapeAsync(listener);
            if (done(scrape) || DateTime.UtcNow > deadline)
            {
                return scrape;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The value of the one sample named <paramref name="name"/> with these labels (others ignored); null when there is none.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        var found = _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).ToList();
        found.Count.Should().BeLessThanOrEqualTo(1, $"{name} with {string.Join(",", labels)} names one series");
        return found.Count == 0 ? null : found[0].Value;
    }

    /// <summary>The sum over every series named <paramref name="name"/>.</summary>
    public double Sum(string name) => _samples.Where(s => s.Name == name).Sum(s => s.Value);

    /// <summary>The sample lines whose name starts with <paramref name="prefix"/>, with their HELP and TYPE lines: what promtool checks.</summary>
    public string Family(string prefix) =>
        string.Join('\n', Text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal) || l.StartsWith("# HELP " + prefix, StringComparison.Ordinal)
            || l.StartsWith("# TYPE " + prefix, StringComparison.Ordinal))) + "\n";

    /// <summary>GET /health/live or /health/ready: the status code and each check's status by name.</summary>
    public static async Task<(int Code, JsonElement Body)> HealthAsync(Uri listener, string path)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(listener, path));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return ((int)response.StatusCode, body);
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="code"/>, or 30 s; the last answer.</summary>
    public static Task<(int Code, JsonElement Body)> HealthUntilAsync(Uri listener, string path, int code) =>
        HealthUntilAsync(listener, path, answer => answer.Code == code);

    /// <summary>Polls <paramref name="path"/> until the answer is <paramref name="done"/>, or 30 s; the last answer.</summary>
    public static async Task<(int Code, JsonElement Body)> HealthUntilAsync(Uri listener, string path, Func<(int Code, JsonElement Body), bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var answer = await HealthAsync(listener, path);
            if (done(answer) || DateTime.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(200);
        }
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?""")]
    private static partial Regex Label();
}
