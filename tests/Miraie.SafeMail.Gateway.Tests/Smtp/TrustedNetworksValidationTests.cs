using Miraie.SafeMail.Gateway.Smtp;

namespace Miraie.SafeMail.Gateway.Tests.Smtp;

/// <summary>
/// Trusted networks are parsed as networks: any set too wide to be a private network is an open relay, however it is
/// written, and refused at start naming the key and saying why.
/// </summary>
public class TrustedNetworksValidationTests
{
    private static List<string> Failures(SmtpListenerOptions options) =>
        [.. new GatewayOptionsValidator().Validate(null, options).Failures ?? []];

    private static List<string> Failures(params string[] networks) => Failures(new SmtpListenerOptions { TrustedNetworks = [.. networks] });

    [TestCase("0.0.0.0/00")]
    [TestCase("0.0.0.0/1", "128.0.0.0/1")]
    [TestCase("10.0.0.0/8", "0.0.0.0/2")]
    [TestCase("::/0")]
    [TestCase("::ffff:0.0.0.0/96")]
    [TestCase("2000::/3")]
    [TestCase("fc00::/6")]
    public void A_network_too_wide_to_be_private_is_refused_by_its_key(params string[] networks)
    {
        var failures = Failures(networks);
        failures.Should().NotBeEmpty();
        failures.Should().AllSatisfy(f => f.Should().MatchRegex(@"^SafeMail:Smtp:TrustedNetworks:\d+: ").And.Contain("open relay"));
    }

    [TestCase("11.0.0.0/8", "12.0.0.0/8")]
    [TestCase("10.0.0.0/8", "100.64.0.0/10")]
    public void Networks_that_together_cover_more_than_the_private_ranges_are_refused(params string[] networks) =>
        Failures(networks).Should().ContainSingle().Which.Should().StartWith("SafeMail:Smtp:TrustedNetworks: ").And.Contain("open relay");

    [Test]
    public void Many_IPv6_allocations_together_are_refused() =>
        Failures([.. Enumerable.Range(0, 3).Select(i => $"2001:{i + 1:x}::/32")]).Should().ContainSingle()
            .Which.Should().StartWith("SafeMail:Smtp:TrustedNetworks: ").And.Contain("/32");

    [Test]
    public void Private_loopback_and_unique_local_networks_are_accepted()
    {
        Failures("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10", "2001:db8::/32")
            .Should().BeEmpty();
        Failures("10.0.0.0/8", "10.0.0.0/8", "10.1.0.0/16", "203.0.113.0/24").Should().BeEmpty("overlaps count once; a public /24 of one's own is fine");
    }

    [Test]
    public void The_new_session_limits_are_checked_by_key()
    {
        var failures = Failures(new SmtpListenerOptions
        {
            MaxConnections = 10,
            MaxConnectionsPerClient = 0,
            ReservedTrustedConnections = 10,
            FirstCommandTimeout = TimeSpan.FromMinutes(10),
            BusySessionTimeout = TimeSpan.Zero,
        });
        failures.Select(f => f[..f.IndexOf(": ", StringComparison.Ordinal)]).Should().BeEquivalentTo(
            "SafeMail:Smtp:MaxConnectionsPerClient", "SafeMail:Smtp:ReservedTrustedConnections", "SafeMail:Smtp:FirstCommandTimeout",
            "SafeMail:Smtp:BusySessionTimeout");
    }
}
