using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Passwords;

namespace Miraie.SafeMail.Gateway.Tests.Passwords;

/// <summary>SafeMail:Gateway:KeyCertificatePath: the data-protection keys (and so the archive passwords) encrypted at rest.</summary>
public class KeyProtectionTests
{
    [Test]
    public async Task With_a_key_certificate_the_keys_on_disk_are_encrypted_and_a_copy_of_the_data_without_it_opens_nothing()
    {
        var data = Directory.CreateTempSubdirectory("safemail-keys-").FullName;
        var pfx = Path.Combine(Directory.CreateTempSubdirectory("safemail-cert-").FullName, "keys.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=safemail-keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-Passw0rd"));
        }

        var withCertificate = new Dictionary<string, string?>
        {
            ["SafeMail:Gateway:KeyCertificatePath"] = pfx,
            ["SafeMail:Gateway:KeyCertificatePassword"] = "pfx-Passw0rd",
        };
        try
        {
            var gateway = await TestGateway.StartAsync(withCertificate, dataDirectory: data);
            await gateway.Get<ArchivePasswords>().SaveAsync(new NewArchive("0123456789abcdef01234567", "tanaka@example.co.jp", [], "a.zip", "Aes256", "Secret-Passw0rd-1",
                new string('0', 64)), DateTimeOffset.UtcNow, CancellationToken.None);
            await gateway.StopAsync();

            var keys = await StoredKeysAsync(data);
            keys.Should().NotBeEmpty();
            foreach (var xml in keys)
            {
                xml.Should().Contain("encryptedSecret").And.NotContain("<masterKey", "the key material is encrypted with the certificate");
            }

            var again = await TestGateway.StartAsync(withCertificate, dataDirectory: data);
            (await again.Get<ArchivePasswords>().ReadAsync("0123456789abcdef01234567", "tanaka@example.co.jp", CancellationToken.None)).Should().Be("Secret-Passw0rd-1");
            await again.StopAsync();

            var without = await TestGateway.StartAsync(dataDirectory: data);
            var read = () => without.Get<ArchivePasswords>().ReadAsync("0123456789abcdef01234567", "tanaka@example.co.jp", CancellationToken.None);
            await read.Should().ThrowAsync<CryptographicException>("without the certificate the keys cannot be opened");
            await without.StopAsync();
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            Directory.Delete(Path.GetDirectoryName(pfx)!, recursive: true);
        }
    }

    [Test]
    public async Task An_unreadable_or_non_RSA_key_certificate_stops_the_start_naming_the_key()
    {
        var missing = () => TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Gateway:KeyCertificatePath"] = "/nonexistent/keys.pfx" });
        (await missing.Should().ThrowAsync<SettingsException>()).Which.Errors.Should().ContainSingle()
            .Which.Should().StartWith("SafeMail:Gateway:KeyCertificatePath:").And.Contain("cannot read");

        var pfx = Path.GetTempFileName();
        try
        {
            using (var ecdsa = TestCertificates.CreateSelfSigned("ecdsa-keys"))
            {
                ecdsa.GetRSAPrivateKey().Should().BeNull("this helper makes an ECDSA certificate");
                await File.WriteAllBytesAsync(pfx, ecdsa.Export(X509ContentType.Pfx));
            }

            var ecdsaStart = () => TestGateway.StartAsync(new Dictionary<string, string?> { ["SafeMail:Gateway:KeyCertificatePath"] = pfx });
            (await ecdsaStart.Should().ThrowAsync<SettingsException>()).Which.Errors.Should().ContainSingle().Which.Should().Contain("RSA");
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    /// <summary>The key ring as stored: the files in DATA/keys (SQLite), or the rows of data_protection_keys (PostgreSQL: shared by the nodes).</summary>
    private static async Task<IReadOnlyList<string>> StoredKeysAsync(string data)
    {
        if (!TestDatabase.IsPostgreSql)
        {
            return await Task.WhenAll(Directory.GetFiles(Path.Combine(data, "keys"), "*.xml").Select(f => File.ReadAllTextAsync(f)));
        }

        using var database = TestDatabase.Open(data);
        await using var connection = await database.OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT xml FROM data_protection_keys";
        var keys = new List<string>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
