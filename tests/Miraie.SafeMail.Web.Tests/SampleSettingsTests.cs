using Microsoft.Extensions.Configuration;

namespace Miraie.SafeMail.Web.Tests;

/// <summary>appsettings.sample.json documents the console's keys with their defaults.</summary>
public class SampleSettingsTests
{
    [Test]
    public void The_console_and_add_in_sections_bind_and_hold_the_defaults()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "appsettings.sample.json")))
        {
            dir = dir.Parent ?? throw new FileNotFoundException("appsettings.sample.json");
        }

        var sample = new ConfigurationBuilder().AddJsonFile(Path.Combine(dir.FullName, "appsettings.sample.json")).Build();
        var console = ConsoleSettings.Bind(sample);
        console.Should().BeEquivalentTo(new ConsoleOptions());
        new Uri(console.Urls).IsLoopback.Should().BeTrue("the console listens on loopback unless configured otherwise");
        Miraie.SafeMail.Web.AddIn.AddInSettings.Bind(sample).Should().BeEquivalentTo(new Miraie.SafeMail.Web.AddIn.AddInOptions());
    }
}
