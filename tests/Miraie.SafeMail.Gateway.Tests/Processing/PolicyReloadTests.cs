using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Gateway.Tests.Processing;

/// <summary>An admin edits the settings file of a running gateway: a good policy takes effect, a broken one is refused.</summary>
public class PolicyReloadTests
{
    private string _directory = null!;
    private string _settings = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("safemail-reload-").FullName;
        _settings = Path.Combine(_directory, "appsettings.json");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task A_changed_policy_decides_the_next_message_and_a_broken_edit_keeps_the_previous_one()
    {
        await WriteSettingsAsync("""{ "SafeMail": { "Policy": { "InternalDomains": [ "example.co.jp" ] } } }""");
        await using var gateway = await TestGateway.StartAsync(settingsFile: _settings);
        var policy = gateway.Get<PolicyProvider>();

        (await StateOfNextMessageAsync(gateway)).Should().Be(MessageState.Quarantined, "customer.example.com is external");

        var first = policy.Current;
        await WriteSettingsAsync("""{ "SafeMail": { "Policy": { "InternalDomains": [ "example.co.jp", "customer.example.com" ] } } }""");
        (await WaitForChangeAsync(policy, first)).Should().NotBeSameAs(first, "the edited file is picked up without a restart");
        (await StateOfNextMessageAsync(gateway)).Should().Be(MessageState.Queued, "customer.example.com is now internal");

        var good = policy.Current;
        await WriteSettingsAsync("""{ "SafeMail": { "Policy": { "InternalDomains": [ ], "Rules": [ { "Name": "x", "Action": "Quarantin" } ] } } }""");
        (await WaitForChangeAsync(policy, good, TimeSpan.FromSeconds(3))).Should().BeSameAs(good, "a policy that does not validate is refused");
        (await StateOfNextMessageAsync(gateway)).Should().Be(MessageState.Queued, "the previous policy stays in force");
        gateway.Logs.Entries.Should().Contain(e => e.Level == LogLevel.Error && e.Text.Contains("policy change refused") && e.Text.Contains("SafeMail:Policy:Rules:0:Action"),
            "the admin reads in the log which key is wrong");

        await WriteSettingsAsync("""{ "SafeMail": { "Policy": { "InternalDomains": [ "example.co.jp" ] } } }""");
        (await WaitForChangeAsync(policy, good)).Should().NotBeSameAs(good, "a refused edit does not stop later ones from being read");
        (await StateOfNextMessageAsync(gateway)).Should().Be(MessageState.Quarantined);
    }

    private async Task WriteSettingsAsync(string json)
    {
        // Written beside and renamed, as editors and configuration tools do: the watcher never sees half a file.
        var temporary = _settings + ".tmp";
        await File.WriteAllTextAsync(temporary, json);
        File.Move(temporary, _settings, overwrite: true);
    }

    private static async Task<PolicyEvaluator> WaitForChangeAsync(PolicyProvider policy, PolicyEvaluator from, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (ReferenceEquals(policy.Current, from) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return policy.Current;
    }

    private static async Task<string> StateOfNextMessageAsync(TestGateway gateway)
    {
        var message = TestMessages.Mail("tanaka@example.co.jp", ["buyer@customer.example.com"], "見積書の送付", TestMessages.Pdf);
        var reply = await Mailer.SendAsync(gateway.Smtp, message, "tanaka@example.co.jp", "buyer@customer.example.com");
        var (stored, _) = (await gateway.Get<QuarantineService>().ShowAsync(Mailer.QueueIdOf(reply)))!.Value;
        return stored.State == MessageState.Delivered ? MessageState.Queued : stored.State;
    }
}
