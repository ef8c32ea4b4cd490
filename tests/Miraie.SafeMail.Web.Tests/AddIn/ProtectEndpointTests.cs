using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Web.Tests.Support;

namespace Miraie.SafeMail.Web.Tests.AddIn;

/// <summary>The pane's Encrypt button: files in, one password ZIP out that the real 7z opens, the password kept for the sender.</summary>
[NonParallelizable]
public class ProtectEndpointTests
{
    private ConsoleHost _host = null!;
    private string _work = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:AddIn:DevelopmentMode"] = "true",
            ["SafeMail:AddIn:ZipCryptoDomains:0"] = "legacy.example.com",
        });
        _work = Directory.CreateTempSubdirectory("safemail-protect-").FullName;
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _host.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    private async Task<HttpResponseMessage> ProtectAsync(string sender, string recipients, params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }

        form.Add(new StringContent(recipients), "recipients");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/addin/protect") { Content = form };
        request.Headers.Add("X-SafeMail-Dev-User", sender);
        return await _host.Client().SendAsync(request);
    }

    private async Task<string?> PasswordAsync(string id, string sender)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/addin/passwords/" + id);
        request.Headers.Add("X-SafeMail-Dev-User", sender);
        using var response = await _host.Client().SendAsync(request);
        return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("password").GetString() : null;
    }

    [Test]
    public async Task Two_japanese_named_files_become_one_aes_zip_that_7z_opens_with_the_kept_password()
    {
        var quote = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("御見積書 数量 単価 金額\n", 2000)));
        using var response = await ProtectAsync("tanaka@example.co.jp", "buyer@customer.example.com", ("御見積書.txt", quote), ("仕様書.pdf", Mail.Pdf));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/zip");
        var id = response.Headers.GetValues("X-SafeMail-Archive-Id").Single();
        response.Headers.GetValues("X-SafeMail-Encryption").Single().Should().Be("Aes256");
        var zip = Path.Combine(_work, id + ".zip");
        await File.WriteAllBytesAsync(zip, await response.Content.ReadAsByteArrayAsync());

        var password = await PasswordAsync(id, "tanaka@example.co.jp");
        password.Should().NotBeNullOrEmpty();
        (await PasswordAsync(id, "someone@example.co.jp")).Should().BeNull("only the sender who made the archive may read its password");

        var list = SevenZip.Run("l", "-slt", "-p" + password, zip);
        list.Out.Should().Contain("Path = 御見積書.txt").And.Contain("Path = 仕様書.pdf").And.Contain("AES-256");
        var target = Path.Combine(_work, id);
        SevenZip.Run("x", "-p" + password, "-o" + target, zip).Code.Should().Be(0);
        (await File.ReadAllBytesAsync(Path.Combine(target, "御見積書.txt"))).Should().Equal(quote);
        SevenZip.Run("t", "-pwrong-password", zip).Code.Should().NotBe(0, "the archive is really encrypted");

        await using var connection = await _host.Database.OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT password FROM archive_passwords WHERE id = @id";
        Sql.Add(select, "@id", id);
        ((string)(await select.ExecuteScalarAsync())!).Should().NotContain(password!, "the password is encrypted at rest");
    }

    [Test]
    public async Task A_recipient_listed_for_windows_explorer_gets_zipcrypto()
    {
        using var response = await ProtectAsync("tanaka@example.co.jp", "someone@legacy.example.com", ("請求書.pdf", Mail.Pdf));
        response.Headers.GetValues("X-SafeMail-Encryption").Single().Should().Be("ZipCrypto");
        var id = response.Headers.GetValues("X-SafeMail-Archive-Id").Single();
        var zip = Path.Combine(_work, id + ".zip");
        await File.WriteAllBytesAsync(zip, await response.Content.ReadAsByteArrayAsync());
        SevenZip.Run("l", "-slt", "-p" + await PasswordAsync(id, "tanaka@example.co.jp"), zip).Out.Should().Contain("ZipCrypto");
    }

    [Test]
    public async Task No_files_or_too_much_are_refused_with_a_clear_reason()
    {
        using var none = await ProtectAsync("tanaka@example.co.jp", "buyer@customer.example.com");
        none.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        using var big = await ProtectAsync("tanaka@example.co.jp", "buyer@customer.example.com", ("big.bin", new byte[26 * 1024 * 1024]));
        big.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await big.Content.ReadAsStringAsync()).Should().Contain("25 MB");
    }
}
