using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Accounts;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

/// <summary>Clients outside the trusted networks relay only after SMTP AUTH, and AUTH exists only over TLS.</summary>
public class AuthenticationTests
{
    private X509Certificate2 _certificate = null!;
    private TestGateway _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _certificate = TestCertificates.CreateSelfSigned();
        var pfx = Path.Combine(Path.GetTempPath(), $"gw-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(pfx, _certificate.Export(X509ContentType.Pfx, "pfx-pass"));
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["SafeMail:Smtp:TrustedNetworks:0"] = "10.0.0.0/8",
            ["SafeMail:Smtp:CertificatePath"] = pfx,
            ["SafeMail:Smtp:CertificatePassword"] = "pfx-pass",
        });
        await using var connection = await _gateway.Get<SafeMailDatabase>().OpenAsync();
        await SmtpUsers.SetAsync(connection, "mfp-3f", "correct horse battery staple", DateTimeOffset.UtcNow);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        _certificate.Dispose();
    }

    private SmtpClient Client() => new()
    {
        ServerCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), _certificate.GetCertHash(HashAlgorithmName.SHA256)),
    };

    [Test]
    public async Task Auth_over_starttls_lets_a_client_relay()
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _gateway.Smtp.Port, SecureSocketOptions.StartTls);
        client.Capabilities.Should().HaveFlag(SmtpCapabilities.Authentication);
        await client.AuthenticateAsync("mfp-3f", "correct horse battery staple");
        var message = TestMessages.Mail("scanner@example.co.jp", ["suzuki@example.co.jp"], "スキャン");
        (await client.SendAsync(message)).Should().StartWith("2.0.0 Ok: queued as ");
        await client.DisconnectAsync(true);
        (await _gateway.WaitForPickupAsync(1)).Should().ContainSingle();
    }

    [Test]
    public async Task Auth_is_not_offered_in_clear_and_without_it_relaying_is_refused()
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _gateway.Smtp.Port, SecureSocketOptions.None);
        client.Capabilities.Should().NotHaveFlag(SmtpCapabilities.Authentication, "a password must never cross the network in clear");
        var auth = () => client.AuthenticateAsync("mfp-3f", "correct horse battery staple");
        await auth.Should().ThrowAsync<NotSupportedException>();

        var send = () => client.SendAsync(TestMessages.Mail("scanner@example.co.jp", ["suzuki@example.co.jp"], "スキャン"));
        var refused = (await send.Should().ThrowAsync<SmtpCommandException>()).Which;
        ((int)refused.StatusCode).Should().Be(554);
    }

    [Test]
    public async Task A_wrong_password_is_refused_even_over_tls()
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _gateway.Smtp.Port, SecureSocketOptions.StartTls);
        var auth = () => client.AuthenticateAsync("mfp-3f", "wrong password");
        await auth.Should().ThrowAsync<MailKit.Security.AuthenticationException>();
    }

    [Test]
    public async Task Auth_replies_are_the_gateways_and_the_third_failure_ends_the_session_with_a_421()
    {
        await using var client = await RawSmtpClient.ConnectAsync("127.0.0.1", _gateway.Smtp.Port);
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("EHLO client.test")).Code.Should().Be(250);
        (await client.CommandAsync("STARTTLS")).Lines.Should().Equal("220 2.0.0 Ready to start TLS");
        await client.StartTlsAsync(_certificate);
        (await client.CommandAsync("EHLO client.test")).Lines.Should().Contain("250 AUTH PLAIN LOGIN");
        var wrong = "AUTH PLAIN " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("\0mfp-3f\0wrong password"));
        (await client.CommandAsync(wrong)).Lines.Should().Equal("535 5.7.8 Error: authentication failed");
        (await client.CommandAsync(wrong)).Lines.Should().Equal("535 5.7.8 Error: authentication failed");
        (await client.CommandAsync(wrong)).Lines.Should().Equal("535 5.7.8 Error: authentication failed");
        (await client.ReadReplyAsync()).Lines.Should().Equal("421 4.7.0 gw.test.example.co.jp Error: too many failed authentication attempts");
        (await client.WaitForCloseAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
    }

    [Test]
    public async Task A_good_password_gets_235_with_its_enhanced_status_code()
    {
        await using var client = await RawSmtpClient.ConnectAsync("127.0.0.1", _gateway.Smtp.Port);
        (await client.ReadReplyAsync()).Code.Should().Be(220);
        (await client.CommandAsync("EHLO client.test")).Code.Should().Be(250);
        (await client.CommandAsync("STARTTLS")).Code.Should().Be(220);
        await client.StartTlsAsync(_certificate);
        (await client.CommandAsync("EHLO client.test")).Code.Should().Be(250);
        var right = "AUTH PLAIN " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("\0mfp-3f\0correct horse battery staple"));
        (await client.CommandAsync(right)).Lines.Should().Equal("235 2.7.0 Authentication successful");
    }
}
