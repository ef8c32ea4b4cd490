using MimeKit;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Gateway.Waiting;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Web.Quarantine;

namespace Miraie.SafeMail.Web.Waiting;

/// <summary>
/// What the held and approval pages show of one message: the review the quarantine's confirmation shows (From, envelope
/// recipients with external ones marked, attachments with their findings, the verdict's reasons) and, when asked, the
/// body as text read from the original bytes (never HTML), as the quarantine's detail page shows it.
/// </summary>
/// <param name="Review">From, recipients, attachments and reasons.</param>
/// <param name="Body">The body as text, cut at <see cref="MessageView.MaxBodyChars"/>; null when there is none or it was not read.</param>
/// <param name="BodyTruncated">True when the body was cut.</param>
/// <param name="ReadProblem">Why the original could not be read, when it could not.</param>
public sealed record WaitingMessageView(ReviewItem Review, string? Body, bool BodyTruncated, string? ReadProblem)
{
    /// <summary>The record.</summary>
    public MessageRecord Message => Review.Message;

    /// <summary>Reads what the page shows; the body only when <paramref name="withBody"/> (and the message still has its bytes).</summary>
    public static async Task<WaitingMessageView> LoadAsync(QuarantineService quarantine, WaitingStore store, MessageRecord message, bool withBody,
        CancellationToken cancellationToken)
    {
        var review = await ReviewItem.LoadAsync(quarantine, message, cancellationToken);
        if (!withBody || message.State is not (MessageState.Held or MessageState.AwaitingApproval))
        {
            return new WaitingMessageView(review, null, false, null);
        }

        try
        {
            await using var stream = await store.OpenAsync(message, cancellationToken);
            var mime = await MimeMessage.LoadAsync(stream, cancellationToken);
            var (body, truncated) = MessageView.BodyOf(mime);
            return new WaitingMessageView(review, body, truncated, null);
        }
        catch (Exception e) when (MessageView.Unreadable(e))
        {
            return new WaitingMessageView(review, null, false, e.Message);
        }
    }
}
