using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway.Delivery;
using Miraie.SafeMail.Gateway.Incidents;
using Miraie.SafeMail.Gateway.Observability;
using Miraie.SafeMail.Gateway.Passwords;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Smtp;
using Miraie.SafeMail.Gateway.Waiting;

namespace Miraie.SafeMail.Gateway.Tests;

/// <summary>appsettings.sample.json documents every gateway key with its default: it must bind, validate, and equal the code's defaults.</summary>
public class SampleSettingsTests
{
    private static IConfiguration Sample(string relativePath = "appsettings.sample.json")
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(path))
            {
                return new ConfigurationBuilder().AddJsonFile(path).Build();
            }
        }

        throw new FileNotFoundException(relativePath);
    }

    [Test]
    public void The_documented_production_settings_bind_and_validate()
    {
        var production = Sample(Path.Combine("docs", "deploy", "appsettings.production.json"));
        var validator = new GatewayOptionsValidator();

        var smtp = SettingsChecker.Bind<SmtpListenerOptions>(production.GetSection(SmtpListenerOptions.SectionName));
        validator.Validate(null, smtp).Failures.Should().ContainSingle("only the certificate, which exists on the production host, is missing here")
            .Which.Should().StartWith("SafeMail:Smtp:CertificatePath:");
        smtp.Endpoints.Select(e => e.Port).Should().Equal(25, 587);
        smtp.Endpoints[1].RequireAuthentication.Should().BeTrue("submission from outside the trusted networks needs AUTH");

        var delivery = SettingsChecker.Bind<DeliveryOptions>(production.GetSection(DeliveryOptions.SectionName));
        validator.Validate(null, delivery).Succeeded.Should().BeTrue();
        delivery.Smarthost!.Tls.Should().Be(SmarthostTls.Required);
        delivery.Smarthost.Host.Should().Be("smtp-out.example.co.jp");

        var quarantine = SettingsChecker.Bind<QuarantineOptions>(production.GetSection(QuarantineOptions.SectionName));
        validator.Validate(null, quarantine).Succeeded.Should().BeTrue();
        SettingsChecker.Bind<GatewayOptions>(production.GetSection(GatewayOptions.SectionName)).DataDirectory.Should().Be("/var/lib/safemail");
    }

    [Test]
    public void Every_gateway_section_binds_validates_and_holds_the_defaults()
    {
        var sample = Sample();
        var validator = new GatewayOptionsValidator();

        var gateway = SettingsChecker.Bind<GatewayOptions>(sample.GetSection(GatewayOptions.SectionName));
        validator.Validate(null, gateway).Succeeded.Should().BeTrue();
        gateway.Should().BeEquivalentTo(new GatewayOptions());

        var smtp = SettingsChecker.Bind<SmtpListenerOptions>(sample.GetSection(SmtpListenerOptions.SectionName));
        validator.Validate(null, smtp).Succeeded.Should().BeTrue();
        smtp.Should().BeEquivalentTo(new SmtpListenerOptions(), o => o.Excluding(s => s.Endpoints));
        smtp.Endpoints.Should().ContainSingle().Which.Should().BeEquivalentTo(new SmtpEndpointOptions(), "the sample spells out the default endpoint");

        var delivery = SettingsChecker.Bind<DeliveryOptions>(sample.GetSection(DeliveryOptions.SectionName));
        validator.Validate(null, delivery).Succeeded.Should().BeTrue();
        delivery.Should().BeEquivalentTo(new DeliveryOptions(), o => o.Excluding(d => d.Smarthost));
        delivery.Smarthost.Should().BeEquivalentTo(new SmarthostOptions(), "no host: pickup folder delivery, the embedded default");

        var quarantine = SettingsChecker.Bind<QuarantineOptions>(sample.GetSection(QuarantineOptions.SectionName));
        validator.Validate(null, quarantine).Succeeded.Should().BeTrue();
        quarantine.Should().BeEquivalentTo(new QuarantineOptions());

        var passwords = SettingsChecker.Bind<PasswordDeliveryOptions>(sample.GetSection(PasswordDeliveryOptions.SectionName));
        new PasswordDeliveryOptionsValidator().Validate(null, passwords).Succeeded.Should().BeTrue();
        passwords.Should().BeEquivalentTo(new PasswordDeliveryOptions());

        var waiting = SettingsChecker.Bind<WaitingOptions>(sample.GetSection(WaitingOptions.SectionName));
        new WaitingOptionsValidator().Validate(null, waiting).Succeeded.Should().BeTrue();
        waiting.Should().BeEquivalentTo(new WaitingOptions());
        waiting.HasGraph.Should().BeFalse("no manager lookup unless configured");

        var incidents = SettingsChecker.Bind<IncidentOptions>(sample.GetSection(IncidentOptions.SectionName));
        new IncidentOptionsValidator().Validate(null, incidents).Succeeded.Should().BeTrue();
        incidents.Should().BeEquivalentTo(new IncidentOptions());

        var observability = SettingsChecker.Bind<ObservabilityOptions>(sample.GetSection(ObservabilityOptions.SectionName));
        new ObservabilityUrls().Validate(null, observability).Succeeded.Should().BeTrue();
        observability.Should().BeEquivalentTo(new ObservabilityOptions());

        var download = SettingsChecker.Bind<Gateway.Links.DownloadOptions>(sample.GetSection(Gateway.Links.DownloadOptions.SectionName));
        new Gateway.Links.DownloadOptionsValidator().Validate(null, download).Succeeded.Should().BeTrue();
        download.Should().BeEquivalentTo(new Gateway.Links.DownloadOptions());
        var policy = Core.Policy.PolicyConfiguration.Bind(sample);
        policy.ZipCryptoDomains.Should().BeEmpty();
    }

    [Test]
    public void Bad_download_settings_are_named_by_key()
    {
        var problems = Gateway.Links.DownloadOptionsValidator.Check(new Gateway.Links.DownloadOptions
        {
            Urls = "http://0.0.0.0:9480",
            PublicUrl = "files.example.co.jp",
            ExpireAfter = TimeSpan.FromMinutes(5),
            MaxCodeAttempts = 0,
            KnownProxies = ["127.0.0.1", "proxy.example.co.jp", "0.0.0.0/0"],
        });
        problems.Select(p => p[..p.IndexOf(": ", StringComparison.Ordinal)]).Should().BeEquivalentTo(
            "SafeMail:Download:Urls", "SafeMail:Download:PublicUrl", "SafeMail:Download:ExpireAfter", "SafeMail:Download:MaxCodeAttempts",
            "SafeMail:Download:KnownProxies:1", "SafeMail:Download:KnownProxies:2");
        problems[0].Should().Contain("SafeMail:Download:AllowRemote");
    }

    [Test]
    public void An_open_relay_and_a_bad_endpoint_are_refused_by_name()
    {
        var errors = new GatewayOptionsValidator().Validate(null, new SmtpListenerOptions
        {
            TrustedNetworks = ["0.0.0.0/0", "10.0.0.0/33"],
            Endpoints = [new SmtpEndpointOptions { Address = "localhost", Mode = SmtpEndpointMode.ImplicitTls }],
        }).Failures!.ToList();
        errors.Should().Contain(e => e.StartsWith("SafeMail:Smtp:TrustedNetworks:0:", StringComparison.Ordinal) && e.Contains("open relay"));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Smtp:TrustedNetworks:1:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Smtp:Endpoints:0:Address:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("SafeMail:Smtp:Endpoints:0:Mode:", StringComparison.Ordinal));
    }
}
