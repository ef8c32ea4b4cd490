using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Web.AddIn;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.AddIn;

/// <summary>Which sign-in the add-in API uses: Entra ID settings checked by key, development mode kept to this machine.</summary>
[NonParallelizable]
public class AddInSignInModeTests
{
    private static AddInOptions Bind(Dictionary<string, string?> values) =>
        AddInSettings.Bind(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    private static IReadOnlyList<string> Errors(Dictionary<string, string?> values)
    {
        var bind = () => Bind(values);
        return bind.Should().Throw<SettingsException>().Which.Errors;
    }

    [Test]
    public void Entra_id_settings_bind_with_the_global_cloud_by_default()
    {
        var entra = Bind(FakeEntraId.Settings()).EntraId!;
        entra.Instance.Should().Be("https://login.microsoftonline.com/");
        entra.Audiences().Should().Equal(FakeEntraId.ClientId, "api://" + FakeEntraId.ClientId);
        entra.AdmitsEveryTenant().Should().BeFalse("single tenant unless organizations is set");
        Bind(new() { ["SafeMail:AddIn:Confirm"] = "always" }).EntraId.Should().BeNull();
    }

    [Test]
    public void Development_mode_and_entra_id_together_stop_the_start()
    {
        var settings = FakeEntraId.Settings();
        settings["SafeMail:AddIn:DevelopmentMode"] = "true";
        Errors(settings).Should().ContainSingle().Which.Should().StartWith("SafeMail:AddIn:DevelopmentMode:");
    }

    [Test]
    public void Bad_entra_id_values_are_named_by_key()
    {
        var errors = Errors(new()
        {
            ["SafeMail:AddIn:EntraId:Instance"] = "http://login.microsoftonline.com/",
            ["SafeMail:AddIn:EntraId:TenantId"] = "common",
            ["SafeMail:AddIn:EntraId:ClientId"] = "api://safemail",
            ["SafeMail:AddIn:EntraId:Audience"] = "safemail",
        });
        errors.Select(e => e[..e.IndexOf(": ", StringComparison.Ordinal)]).Should().BeEquivalentTo(
            "SafeMail:AddIn:EntraId:Instance", "SafeMail:AddIn:EntraId:TenantId", "SafeMail:AddIn:EntraId:ClientId", "SafeMail:AddIn:EntraId:Audience");

        Errors(new() { ["SafeMail:AddIn:EntraId:Instance"] = "https://login.microsoftonline.com/" })
            .Should().HaveCount(2).And.Contain(e => e.StartsWith("SafeMail:AddIn:EntraId:TenantId:", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("SafeMail:AddIn:EntraId:ClientId:", StringComparison.Ordinal));
        Errors(new() { ["SafeMail:AddIn:EntraId:TenantI"] = FakeEntraId.TenantId })
            .Should().Contain(e => e.StartsWith("SafeMail:AddIn:EntraId:TenantI:", StringComparison.Ordinal), "a misspelt key is named");

        var multi = FakeEntraId.Settings();
        multi["SafeMail:AddIn:EntraId:TenantId"] = "organizations";
        multi["SafeMail:AddIn:EntraId:Audience"] = "api://safemail.example.co.jp/" + FakeEntraId.ClientId;
        var entra = Bind(multi).EntraId!;
        entra.AdmitsEveryTenant().Should().BeTrue();
        entra.Audiences().Should().Contain("api://safemail.example.co.jp/" + FakeEntraId.ClientId);
    }

    [Test]
    public async Task Without_entra_id_or_development_mode_the_api_answers_501_naming_the_keys_to_set()
    {
        using var host = await ConsoleHost.StartAsync(EntraIdTokenTests.Keys());
        using var client = host.Client();
        client.DefaultRequestHeaders.Add("Accept-Language", "en");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/addin/confirmations")
        {
            Content = JsonContent.Create(new { recipients = new[] { "a@b.example" }, attachments = Array.Empty<object>() }),
        };
        request.Headers.Add("X-SafeMail-Dev-User", "tanaka@example.co.jp");
        using var response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.NotImplemented);
        (await response.Content.ReadAsStringAsync()).Should().Contain("SafeMail:AddIn:EntraId:TenantId").And.Contain("SafeMail:AddIn:EntraId:ClientId");
        (await client.GetStringAsync("/api/addin/sign-in")).Should().Be("{\"mode\":\"none\"}");
    }

    [Test]
    public async Task Development_mode_serves_this_machine_only()
    {
        var settings = EntraIdTokenTests.Keys();
        settings["SafeMail:AddIn:DevelopmentMode"] = "true";
        using var host = await ConsoleHost.StartAsync(settings, testServices: s => s.AddSingleton<IStartupFilter>(new FromAnotherMachine()));

        async Task<HttpStatusCode> ConfirmFromAsync(string? address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/addin/confirmations")
            {
                Content = JsonContent.Create(new { recipients = new[] { "a@b.example" }, attachments = Array.Empty<object>() }),
            };
            request.Headers.Add("X-SafeMail-Dev-User", "tanaka@example.co.jp");
            if (address is not null)
            {
                request.Headers.Add(FromAnotherMachine.Header, address);
            }

            using var response = await host.Client().SendAsync(request);
            return response.StatusCode;
        }

        (await ConfirmFromAsync("127.0.0.1")).Should().Be(HttpStatusCode.OK);
        (await ConfirmFromAsync("::1")).Should().Be(HttpStatusCode.OK);
        (await ConfirmFromAsync("192.0.2.10")).Should().Be(HttpStatusCode.Forbidden);
        (await host.Client().GetStringAsync("/api/addin/sign-in")).Should().Be("{\"mode\":\"development\"}");
    }

    /// <summary>Sets the connection's remote address from a test header, first in the pipeline (TestServer has no sockets).</summary>
    private sealed class FromAnotherMachine : IStartupFilter
    {
        public const string Header = "X-Test-Remote-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
