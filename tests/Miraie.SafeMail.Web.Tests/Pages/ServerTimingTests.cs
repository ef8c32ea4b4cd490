using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.Pages;

/// <summary>Server-Timing tells anyone how long the server worked (a timing side channel): development only.</summary>
[NonParallelizable]
public class ServerTimingTests
{
    [TestCase("Production", false)]
    [TestCase("Development", true)]
    public async Task Server_timing_is_sent_in_development_only(string environment, bool sent)
    {
        using var host = await ConsoleHost.StartAsync(environment: environment);
        using var client = host.Client();
        using var login = await client.GetAsync("/login");
        using var post = await ConsoleHost.PostFormAsync(client, "/login", new() { ["name"] = "nobody", ["password"] = "wrong-password" });
        login.Headers.Contains("Server-Timing").Should().Be(sent);
        post.Headers.Contains("Server-Timing").Should().Be(sent);
    }
}
