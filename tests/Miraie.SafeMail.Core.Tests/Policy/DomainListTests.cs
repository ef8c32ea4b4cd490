using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Core.Tests.Policy;

public class DomainListTests
{
    private readonly DomainList _list = new(["example.co.jp", "*.group.example", "例え.jp"]);

    [TestCase("tanaka@example.co.jp", true)]
    [TestCase("TANAKA@EXAMPLE.CO.JP", true)]
    [TestCase("tanaka@sub.example.co.jp", false)]
    [TestCase("x@osaka.group.example", true)]
    [TestCase("x@a.b.group.example", true)]
    [TestCase("x@group.example", false)]
    [TestCase("x@evilgroup.example", false)]
    [TestCase("x@例え.jp", true)]
    [TestCase("x@xn--r8jz45g.jp", true)]
    [TestCase("no-at-sign", false)]
    [TestCase("x@example.co.jp.attacker.example", false)]
    public void Matches_exact_domains_and_wildcard_subdomains(string address, bool expected)
    {
        _list.Contains(address).Should().Be(expected);
    }

    [TestCase("example.com", true)]
    [TestCase("例え.jp", true)]
    [TestCase("bad domain.com", false)]
    [TestCase("-bad.com", false)]
    [TestCase("a..b", false)]
    [TestCase("user@example.com", false)]
    [TestCase("", false)]
    public void Normalization_accepts_only_valid_names(string domain, bool valid)
    {
        DomainList.TryNormalize(domain, out _).Should().Be(valid);
    }
}
