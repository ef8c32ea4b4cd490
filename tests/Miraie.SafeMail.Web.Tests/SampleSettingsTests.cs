using Microsoft.Extensions.Configuration;

namespace Miraie.SafeMail.Web.Tests;

/// <summary>appsettings.sample.json documents the console's keys with their defaults.</summary>
public class SampleSettingsTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "appsettings.sample.json")))
        {
            dir = dir.Parent ?? throw new FileNotFoundException("appsettings.sample.json");
        }

        return dir.FullName;
    }

    [Test]
    public void The_console_and_add_in_sections_bind_and_hold_the_defaults()
    {
        var sample = new ConfigurationBuilder().AddJsonFile(Path.Combine(Root(), "appsettings.sample.json")).Build();
        var console = ConsoleSettings.Bind(sample);
        console.Should().BeEquivalentTo(new ConsoleOptions());
        new Uri(console.Urls).IsLoopback.Should().BeTrue("the console listens on loopback unless configured otherwise");
        Miraie.SafeMail.Web.AddIn.AddInSettings.Bind(sample).Should().BeEquivalentTo(new Miraie.SafeMail.Web.AddIn.AddInOptions());
    }

    [Test]
    public void The_production_example_fits_the_nginx_example()
    {
        var production = new ConfigurationBuilder().AddJsonFile(Path.Combine(Root(), "docs", "deploy", "appsettings.production.json")).Build();
        var console = ConsoleSettings.Bind(production);
        console.SecureCookie.Should().BeTrue();
        console.KnownProxies.Should().Equal("127.0.0.1");
        var nginx = File.ReadAllText(Path.Combine(Root(), "docs", "deploy", "nginx-safemail.conf"));
        nginx.Should().Contain($"proxy_pass {console.Urls};", "nginx passes requests to where the console listens");
        var addIn = Miraie.SafeMail.Web.AddIn.AddInSettings.Bind(production);
        nginx.Should().Contain($"server_name {new Uri(addIn.PublicUrl!).Host};");
    }
}
