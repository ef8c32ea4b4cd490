using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.AddIn;

/// <summary>The pane's confirmation: signed for the caller only, audited, and accepted by the gateway as a valid stamp.</summary>
[NonParallelizable]
public class ConfirmationEndpointTests
{
    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["SafeMail:Confirmation:Keys:k1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["SafeMail:Confirmation:CurrentKeyId"] = "k1",
    };

    private static object Body(byte[] attachment) => new
    {
        recipients = new[] { "buyer@customer.example.com" },
        attachments = new[] { new { name = "見積書.pdf", sha256 = Convert.ToHexStringLower(SHA256.HashData(attachment)) } },
    };

    [Test]
    public async Task A_stamp_signed_for_the_sender_makes_the_gateway_see_a_valid_confirmation()
    {
        using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?>(Keys) { ["SafeMail:AddIn:DevelopmentMode"] = "true" });
        using var client = host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/addin/confirmations") { Content = JsonContent.Create(Body(Mail.Pdf)) };
        request.Headers.Add("X-SafeMail-Dev-User", "tanaka@example.co.jp");
        using var response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.GetValues("X-SafeMail-Mode").Single().Should().Be("development", "development mode is loud");
        var stamp = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        stamp.GetProperty("header").GetString().Should().Be("X-SafeMail-Confirmation");

        var message = Mail.Quote("確認済みの見積書");
        message.Headers.Add(stamp.GetProperty("header").GetString()!, stamp.GetProperty("value").GetString()!);
        var id = await Mail.SendAsync(host.Smtp, message);
        await using var connection = await host.Database.OpenAsync();
        (await MessageTable.GetAsync(connection, id))!.Confirmation.Should().Be("valid");
        var (audit, _) = await Miraie.SafeMail.Web.Audit.AuditQuery.PageAsync(connection, new() { Action = "confirmation" }, CancellationToken.None);
        audit.Should().ContainSingle().Which.Actor.Should().Be("addin:tanaka@example.co.jp");

        var other = Mail.Quote("別の添付", content: Miraie.SafeMail.Gateway.Tests.Support.TestMessages.AesZip);
        other.Headers.Add(stamp.GetProperty("header").GetString()!, stamp.GetProperty("value").GetString()!);
        var changed = await Mail.SendAsync(host.Smtp, other);
        (await MessageTable.GetAsync(connection, changed))!.Confirmation.Should().NotBe("valid", "the stamp binds the attachments it was signed for");
    }

    [Test]
    public async Task Without_development_mode_or_a_sender_or_from_another_machine_nothing_is_signed()
    {
        using (var production = await ConsoleHost.StartAsync(new Dictionary<string, string?>(Keys)))
        {
            using var client = production.Client();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/addin/confirmations") { Content = JsonContent.Create(Body(Mail.Pdf)) };
            request.Headers.Add("X-SafeMail-Dev-User", "tanaka@example.co.jp");
            (await client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.NotImplemented, "neither Entra ID nor development mode is configured: nothing is trusted");
        }

        using var dev = await ConsoleHost.StartAsync(new Dictionary<string, string?>(Keys) { ["SafeMail:AddIn:DevelopmentMode"] = "true" });
        using var anonymous = dev.Client();
        (await anonymous.PostAsJsonAsync("/api/addin/confirmations", Body(Mail.Pdf))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        using var bad = new HttpRequestMessage(HttpMethod.Post, "/api/addin/confirmations") { Content = JsonContent.Create(new { recipients = Array.Empty<string>(), attachments = Array.Empty<object>() }) };
        bad.Headers.Add("X-SafeMail-Dev-User", "tanaka@example.co.jp");
        (await anonymous.SendAsync(bad)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
