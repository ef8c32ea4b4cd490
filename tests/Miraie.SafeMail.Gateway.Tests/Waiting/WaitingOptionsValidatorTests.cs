using Miraie.SafeMail.Gateway.Waiting;

namespace Miraie.SafeMail.Gateway.Tests.Waiting;

/// <summary>SafeMail:Waiting is checked at start: a bad link base, From or admin address is named by its key, never found later in a notice.</summary>
public class WaitingOptionsValidatorTests
{
    [Test]
    public void Bad_console_url_notice_from_and_admin_contacts_are_named_by_key()
    {
        var failures = new WaitingOptionsValidator().Validate(null, new WaitingOptions
        {
            ConsoleUrl = "safemail.example.co.jp/console",
            NoticeFrom = "postmaster",
            AdminContacts = ["admin@example.co.jp", "情報システム部", "Admin <admin2@example.co.jp>"],
        }).Failures;

        failures.Should().HaveCount(4);
        failures.Should().Contain(f => f.StartsWith("SafeMail:Waiting:ConsoleUrl: 「safemail.example.co.jp/console」は https:// で始まるアドレスではありません", StringComparison.Ordinal));
        failures.Should().Contain(f => f.StartsWith("SafeMail:Waiting:NoticeFrom: ", StringComparison.Ordinal) && f.EndsWith("'postmaster' is not a mail address", StringComparison.Ordinal));
        failures.Should().Contain(f => f.StartsWith("SafeMail:Waiting:AdminContacts:1: ", StringComparison.Ordinal));
        failures.Should().Contain(f => f.StartsWith("SafeMail:Waiting:AdminContacts:2: ", StringComparison.Ordinal), "an address, not a display name with one");
    }

    [Test]
    public void Good_values_pass()
    {
        new WaitingOptionsValidator().Validate(null, new WaitingOptions
        {
            ConsoleUrl = "https://safemail.example.co.jp",
            NoticeFrom = "SafeMail <safemail@example.co.jp>",
            AdminContacts = ["admin@example.co.jp"],
        }).Succeeded.Should().BeTrue();
    }
}
