using Miraie.SafeMail.Gateway.Incidents;

namespace Miraie.SafeMail.Gateway.Tests.Incidents;

public class IncidentOptionsValidatorTests
{
    private const string Office = "security@example.co.jp";

    [Test]
    public void A_security_office_that_is_not_an_address_is_refused_by_its_key()
    {
        var result = new IncidentOptionsValidator().Validate(null, new IncidentOptions { SecurityOffice = [Office, "セキュリティ事務局"] });
        result.Failed.Should().BeTrue();
        result.Failures.Should().ContainSingle().Which.Should().StartWith("SafeMail:Incidents:SecurityOffice:1");
        new IncidentOptionsValidator().Validate(null, new IncidentOptions { SecurityOffice = [Office] }).Succeeded.Should().BeTrue();
    }
}
