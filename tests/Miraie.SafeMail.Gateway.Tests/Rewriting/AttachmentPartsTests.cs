using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Rewriting;

namespace Miraie.SafeMail.Gateway.Tests.Rewriting;

/// <summary>A rewrite (Encrypt, Link) that throws is a refusal — the message is then quarantined as it came — never an exception the acceptor answers 451 to for ever.</summary>
public class AttachmentPartsTests
{
    [Test]
    public async Task A_rewrite_that_throws_becomes_a_refusal_in_both_languages()
    {
        var refusal = await AttachmentParts.GuardAsync<LocalizedText?>(() => throw new FormatException("bad boundary"), problem => problem);
        refusal!.Ja.Should().Contain("メールを変更できなかったため、隔離しました").And.Contain("FormatException");
        refusal.En.Should().Contain("could not be changed").And.Contain("bad boundary");
        (await AttachmentParts.GuardAsync<LocalizedText?>(() => Task.FromResult<LocalizedText?>(null), problem => problem)).Should().BeNull("a rewrite that works passes through");
    }

    [Test]
    public async Task Cancellation_is_not_swallowed()
    {
        var cancelled = () => AttachmentParts.GuardAsync<LocalizedText?>(() => throw new OperationCanceledException(), problem => problem);
        await cancelled.Should().ThrowAsync<OperationCanceledException>();
    }
}
