using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Web.AddIn;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.AddIn;

/// <summary>What Outlook fetches from the host: the handler with the address written in, the policy, the allow list, CORS.</summary>
[NonParallelizable]
public class AddInEndpointTests
{
    private ConsoleHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
    {
        ["SafeMail:AddIn:PublicUrl"] = "https://safemail.test.example.co.jp",
        ["SafeMail:AddIn:ZipCryptoDomains:0"] = "legacy.example.com",
        ["SafeMail:Policy:InternalDomains:1"] = "*.example.co.jp",
    });

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    [Test]
    public async Task The_send_handler_is_served_with_this_servers_address_written_in()
    {
        using var client = _host.Client();
        using var response = await client.GetAsync("/addin/send-handler.js");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        var script = await response.Content.ReadAsStringAsync();
        script.Should().Contain("var SAFEMAIL_BASE = \"https://safemail.test.example.co.jp\";").And.NotContain("__SAFEMAIL_BASE__");
    }

    [Test]
    public async Task The_policy_is_what_the_gateway_decides_with_and_the_allow_list_names_this_origin()
    {
        using var client = _host.Client();
        var policy = JsonDocument.Parse(await client.GetStringAsync("/api/addin/policy")).RootElement;
        policy.GetProperty("internalDomains").EnumerateArray().Select(e => e.GetString()).Should().Equal("example.co.jp", "*.example.co.jp");
        policy.GetProperty("confirm").GetString().Should().Be("external");
        policy.GetProperty("offline").GetString().Should().Be("block");
        policy.GetProperty("zipCryptoDomains").EnumerateArray().Select(e => e.GetString()).Should().Equal("legacy.example.com");

        var allowed = JsonDocument.Parse(await client.GetStringAsync("/.well-known/microsoft-officeaddins-allowed.json")).RootElement;
        allowed.GetProperty("allowed").EnumerateArray().Select(e => e.GetString()).Should().Equal("https://safemail.test.example.co.jp");
    }

    [TestCase("https://outlook.office.com", true)]
    [TestCase("https://outlook.office.com/", true)] // classic Outlook's trailing slash
    [TestCase("https://safemail.test.example.co.jp", true)]
    [TestCase("https://evil.example", false)]
    [TestCase("https://outlook.office.com.evil.example", false)]
    public async Task Cors_admits_outlook_origins_with_or_without_a_trailing_slash_and_nobody_else(string origin, bool allowed)
    {
        using var client = _host.Client();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/addin/policy");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await client.SendAsync(preflight);
        var echoed = response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
        if (allowed)
        {
            echoed.Should().Be(origin);
        }
        else
        {
            echoed.Should().BeNull();
        }
    }

    [Test]
    public void Bad_add_in_settings_are_named_by_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SafeMail:AddIn:Confirm"] = "sometimes",
            ["SafeMail:AddIn:Offline"] = "allow",
            ["SafeMail:AddIn:PublicUrl"] = "http://safemail.example.co.jp",
        }).Build();
        var bind = () => AddInSettings.Bind(configuration);
        var errors = bind.Should().Throw<SettingsException>().Which.Errors;
        errors.Should().HaveCount(3);
        errors.Should().Contain(e => e.StartsWith("SafeMail:AddIn:Confirm:", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("SafeMail:AddIn:Offline:", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("SafeMail:AddIn:PublicUrl:", StringComparison.Ordinal));
    }

    [Test]
    public async Task Every_file_the_manifest_names_is_served_and_outlook_may_frame_the_add_in_pages()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "Miraie.SafeMail.sln")))
        {
            dir = dir.Parent!;
        }

        var manifest = System.Xml.Linq.XDocument.Load(Path.Combine(dir.FullName, "manifest", "manifest.xml"));
        var paths = manifest.Descendants().SelectMany(e => e.Attributes("DefaultValue")).Select(a => a.Value)
            .Where(v => v.StartsWith("https://safemail.example.co.jp/", StringComparison.Ordinal))
            .Select(v => new Uri(v).AbsolutePath).Distinct().ToList();
        paths.Should().Contain("/addin/send-handler.js").And.Contain("/addin/assets/icon-80.png");

        using var client = _host.Client();
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        }

        using var page = await client.GetAsync("/addin/commands.html");
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        csp.Should().Contain("frame-ancestors 'self' https://outlook.office.com").And.Contain("https://appsforoffice.microsoft.com");
        page.Headers.Contains("X-Frame-Options").Should().BeFalse("Outlook on the web shows the add-in in a frame");

        using var console = await client.GetAsync("/login");
        console.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("frame-ancestors 'none'");
        console.Headers.GetValues("X-Frame-Options").Single().Should().Be("DENY");
    }

    [Test]
    public async Task The_manifest_is_served_with_this_deployments_address_in_every_url()
    {
        using var client = _host.Client();
        var xml = await client.GetStringAsync("/addin/manifest.xml");
        xml.Should().Contain("https://safemail.test.example.co.jp/addin/taskpane.html").And.NotContain("safemail.example.co.jp/");
        System.Xml.Linq.XDocument.Parse(xml).Root!.Name.LocalName.Should().Be("OfficeApp");
    }
}
