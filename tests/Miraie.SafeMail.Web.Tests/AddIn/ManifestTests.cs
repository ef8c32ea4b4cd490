using System.Xml.Linq;

namespace Miraie.SafeMail.Web.Tests.AddIn;

/// <summary>
/// The add-in's XML manifests, checked offline (office-addin-manifest validate posts them to an online service, which
/// is unreachable here): well-formed, OfficeApp's children in the schema's order, every resid defined with the right
/// kind, HTTPS URLs on one base address, lengths within the schema's limits, ids unique, the send event as specified,
/// and every launch event's function associated by send-handler.js.
/// </summary>
public class ManifestTests
{
    private static readonly XNamespace App = "http://schemas.microsoft.com/office/appforoffice/1.1";
    private static readonly XNamespace Bt = "http://schemas.microsoft.com/office/officeappbasictypes/1.0";
    private static readonly XNamespace Vo11 = "http://schemas.microsoft.com/office/mailappversionoverrides/1.1";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    // OfficeApp's children in the order the schema (MailApp) requires them; optional ones may be absent.
    private static readonly string[] SchemaOrder =
    [
        "Id", "AlternateId", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description", "IconUrl", "HighResolutionIconUrl",
        "SupportUrl", "AppDomains", "Hosts", "Requirements", "FormSettings", "Permissions", "Rule", "DisableEntityHighlighting", "VersionOverrides",
    ];

    private static IEnumerable<TestCaseData> Manifests()
    {
        yield return new TestCaseData("manifest.xml", "https://safemail.example.co.jp").SetArgDisplayNames("production");
        yield return new TestCaseData("manifest.localhost.xml", "https://localhost:3000").SetArgDisplayNames("localhost");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "Miraie.SafeMail.sln")))
        {
            dir = dir.Parent ?? throw new DirectoryNotFoundException("repository root");
        }

        return dir.FullName;
    }

    private static XDocument Load(string file) => XDocument.Load(Path.Combine(RepositoryRoot(), "manifest", file), LoadOptions.SetLineInfo);

    [TestCaseSource(nameof(Manifests))]
    public void Top_level_elements_follow_the_schema_order(string file, string baseUrl)
    {
        var root = Load(file).Root!;
        root.Name.Should().Be(App + "OfficeApp");
        root.Attribute(Xsi + "type")!.Value.Should().Be("MailApp");
        var names = root.Elements().Select(e => e.Name.LocalName).ToList();
        names.Should().OnlyContain(n => SchemaOrder.Contains(n));
        names.Select(n => Array.IndexOf(SchemaOrder, n)).Should().BeInAscendingOrder("the schema is a sequence");
        names.Should().OnlyHaveUniqueItems();
        Guid.TryParse(root.Element(App + "Id")!.Value, out _).Should().BeTrue();
        root.Element(App + "Permissions")!.Value.Should().Be("ReadWriteItem", "the pane swaps attachments and sets a header");
        _ = baseUrl;
    }

    [TestCaseSource(nameof(Manifests))]
    public void Every_resid_is_defined_once_with_the_right_kind(string file, string baseUrl)
    {
        var doc = Load(file);
        var resources = doc.Descendants(Vo11 + "Resources").Single();
        var defined = new Dictionary<string, string>();
        foreach (var (kind, element) in new[] { ("image", "Images"), ("url", "Urls"), ("short", "ShortStrings"), ("long", "LongStrings") })
        {
            foreach (var item in resources.Element(Bt + element)!.Elements())
            {
                var id = item.Attribute("id")!.Value;
                defined.Should().NotContainKey(id, "resource ids are unique");
                defined[id] = kind;
                id.Length.Should().BeLessThanOrEqualTo(32, $"resource id {id}");
            }
        }

        var used = doc.Descendants().Where(e => e.Attribute("resid") is not null).ToList();
        used.Should().NotBeEmpty();
        foreach (var use in used)
        {
            var id = use.Attribute("resid")!.Value;
            defined.Should().ContainKey(id, $"{use.Name.LocalName} refers to {id}");
            var expected = use.Name.LocalName switch
            {
                "Label" or "Title" => "short",
                "Description" => "long",
                "Image" => "image",
                _ => "url", // SourceLocation, FunctionFile, Runtime, Override
            };
            defined[id].Should().Be(expected, $"{use.Name.LocalName} resid={id}");
        }

        defined.Keys.Should().BeSubsetOf(used.Select(u => u.Attribute("resid")!.Value), "no unused resources");
        _ = baseUrl;
    }

    [TestCaseSource(nameof(Manifests))]
    public void Every_url_is_https_on_the_one_base_address_and_within_limits(string file, string baseUrl)
    {
        var doc = Load(file);
        var urls = doc.Descendants().SelectMany(e => e.Attributes("DefaultValue").Select(a => a.Value).Where(v => v.Contains("://", StringComparison.Ordinal)))
            .Concat(doc.Descendants(App + "AppDomain").Select(e => e.Value)).ToList();
        urls.Should().HaveCountGreaterThan(8);
        foreach (var url in urls)
        {
            url.Should().StartWith(baseUrl, "one setting changes the address");
            new Uri(url).Scheme.Should().Be("https");
            url.Length.Should().BeLessThanOrEqualTo(2048);
        }

        doc.Descendants(Vo11 + "Override").Single(o => o.Attribute("type")?.Value == "javascript").Attribute("resid")!.Value.Should().Be("JSRuntime.Url");
        doc.Descendants(Bt + "Url").Single(u => u.Attribute("id")!.Value == "JSRuntime.Url").Attribute("DefaultValue")!.Value.Should().EndWith(".js");
    }

    [TestCaseSource(nameof(Manifests))]
    public void Strings_fit_the_schema_and_exist_in_japanese(string file, string baseUrl)
    {
        var doc = Load(file);
        var root = doc.Root!;
        CheckLocalized(root.Element(App + "DisplayName")!, 125);
        CheckLocalized(root.Element(App + "Description")!, 250);
        foreach (var s in doc.Descendants(Bt + "ShortStrings").Elements())
        {
            CheckLocalized(s, 125);
        }

        foreach (var s in doc.Descendants(Bt + "LongStrings").Elements())
        {
            CheckLocalized(s, 250);
        }

        _ = baseUrl;
    }

    [TestCaseSource(nameof(Manifests))]
    public void The_send_event_is_soft_blocking_on_mailbox_1_12_and_control_ids_are_unique(string file, string baseUrl)
    {
        var doc = Load(file);
        doc.Descendants(Bt + "Sets").Single().Attribute("DefaultMinVersion")!.Value.Should().Be("1.12");
        var send = doc.Descendants(Vo11 + "LaunchEvent").Single(e => e.Attribute("Type")!.Value == "OnMessageSend");
        send.Attribute("SendMode")!.Value.Should().Be("SoftBlock");
        send.Attribute("FunctionName")!.Value.Should().Be("onMessageSendHandler");
        // OfficeTab names Outlook's built-in tab (TabDefault) once per surface, compose and read; groups and controls are ours and unique.
        doc.Descendants().Where(e => e.Name.LocalName is "OfficeTab").Select(e => e.Attribute("id")!.Value).Should().OnlyContain(i => i == "TabDefault");
        var ids = doc.Descendants().Where(e => e.Name.LocalName is "Group" or "Control").Select(e => e.Attribute("id")!.Value).ToList();
        ids.Should().OnlyHaveUniqueItems().And.Contain("SafeMailOpenPane", "the Smart Alerts button opens the pane by this command id");
        ids.Should().Contain("SafeMailOpenHeld", "held mail and approvals open beside a message being read");
        ids.Should().OnlyContain(i => i.Length <= 125);
        _ = baseUrl;
    }

    [TestCaseSource(nameof(Manifests))]
    public void Both_launch_events_name_functions_the_send_handler_associates(string file, string baseUrl)
    {
        var doc = Load(file);
        var events = doc.Descendants(Vo11 + "LaunchEvent").ToDictionary(e => e.Attribute("Type")!.Value, e => e.Attribute("FunctionName")!.Value);
        events.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["OnNewMessageCompose"] = "onNewMessageComposeHandler", // the thread snapshot for the pane's "new domain" flag
            ["OnMessageSend"] = "onMessageSendHandler",
        });
        doc.Descendants(Vo11 + "LaunchEvent").Single(e => e.Attribute("Type")!.Value == "OnNewMessageCompose").Attribute("SendMode")
            .Should().BeNull("only the send event has a send mode");

        // Both events run in the one runtime: the same file (send-handler.js, or commands.html that loads it) must
        // associate every function the manifest names, or Outlook finds no handler and the event silently does nothing.
        var handler = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Miraie.SafeMail.Web", "wwwroot", "addin", "send-handler.js"));
        foreach (var function in events.Values)
        {
            handler.Should().Contain($"Office.actions.associate(\"{function}\", {function});", function);
            handler.Should().Contain($"function {function}(event", function);
        }

        doc.Descendants(Vo11 + "LaunchEvent").Select(e => e.Parent!.Parent!).Distinct().Should().ContainSingle("one LaunchEvent extension point")
            .Which.Element(Vo11 + "SourceLocation")!.Attribute("resid")!.Value.Should().Be("WebViewRuntime.Url");
        _ = baseUrl;
    }

    private static void CheckLocalized(XElement element, int limit)
    {
        var values = element.Elements().Where(e => e.Name.LocalName == "Override").ToList();
        element.Attribute("DefaultValue")!.Value.Length.Should().BeInRange(1, limit, element.Name.LocalName);
        values.Should().Contain(o => o.Attribute("Locale")!.Value == "ja-JP", $"{element.Name.LocalName} {element.Attribute("id")?.Value} has Japanese");
        foreach (var o in values)
        {
            o.Attribute("Value")!.Value.Length.Should().BeInRange(1, limit);
        }
    }
}
