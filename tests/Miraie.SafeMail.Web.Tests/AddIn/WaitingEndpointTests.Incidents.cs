using System.Net;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Web.Tests.AddIn;

/// <summary>誤送信の報告 from the pane (<c>POST /api/addin/incidents</c>), on the same host and helpers as the held list.</summary>
public partial class WaitingEndpointTests
{
    [Test]
    public async Task The_pane_reports_its_senders_held_mail_which_is_cancelled_and_never_someone_elses()
    {
        var id = await SendAsync("nakamura@example.co.jp", "誤送信しました", "buyer@customer.example.com");

        var (status, answer) = await PostAsync("ito@example.co.jp", "/api/addin/incidents", new { id });
        status.Should().Be(HttpStatusCode.NotFound, "another sender's id is answered as unknown");
        (await MessageAsync(id)).State.Should().Be(MessageState.Held);

        (status, answer) = await PostAsync("nakamura@example.co.jp", "/api/addin/incidents",
            new { id, wrongRecipients = new[] { "buyer@customer.example.com" }, statement = "別の会社あてでした" });
        status.Should().Be(HttpStatusCode.OK);
        answer.GetProperty("done").GetBoolean().Should().BeTrue();
        answer.GetProperty("notified").GetBoolean().Should().BeTrue();
        answer.GetProperty("ja").GetString().Should().StartWith("ご報告ありがとうございます。誤送信の報告 #");
        answer.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("step").GetString(), s.GetProperty("outcome").GetString()))
            .Should().Equal(("cancel-held", "stopped"), ("delivery", "not-sent"));
        (await MessageAsync(id)).State.Should().Be(MessageState.Cancelled);
    }

    [Test]
    public async Task The_pane_reports_a_sent_item_by_its_Message_ID_and_a_report_naming_nothing_is_refused()
    {
        var id = await SendAsync("kobayashi@example.co.jp", "送信済みアイテムから", "buyer@customer.example.com");
        var header = (await MessageAsync(id)).MessageIdHeader;

        var (status, answer) = await PostAsync("kobayashi@example.co.jp", "/api/addin/incidents", new { internetMessageId = $"<{header}>", subject = "送信済みアイテムから" });
        status.Should().Be(HttpStatusCode.OK);
        answer.GetProperty("messageId").GetString().Should().Be(id);
        (await MessageAsync(id)).State.Should().Be(MessageState.Cancelled);

        (status, answer) = await PostAsync("kobayashi@example.co.jp", "/api/addin/incidents", new { statement = "どのメールか不明" });
        status.Should().Be(HttpStatusCode.BadRequest);
        answer.GetProperty("outcome").GetString().Should().Be("nothing-named");
    }
}
