using System.Text.Json;
using MimeKit;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Web.Quarantine;

/// <summary>
/// One selected message on the confirmation page: what an action would let out or remove — the From header, the envelope
/// recipients (external ones marked), each attachment with its findings, and the verdict's reasons — all from what the
/// gateway stored when it quarantined the message.
/// </summary>
/// <param name="Message">The stored record.</param>
/// <param name="FromName">The From header's display name (empty when none). Mail-supplied: show as text only.</param>
/// <param name="FromAddress">The From header's address, when there is one.</param>
/// <param name="Attachments">The attachment tree, flattened depth first.</param>
/// <param name="Findings">The verdict's reasons.</param>
/// <param name="RiskyPaths">Disguised or executable attachments: only an admin may release the message, with a reason.</param>
public sealed record ReviewItem(MessageRecord Message, string FromName, string? FromAddress, IReadOnlyList<ReviewedAttachment> Attachments,
    IReadOnlyList<Finding> Findings, IReadOnlyList<string> RiskyPaths)
{
    /// <summary>Reads what the page shows of <paramref name="message"/>.</summary>
    public static async Task<ReviewItem> LoadAsync(QuarantineService quarantine, MessageRecord message, CancellationToken cancellationToken)
    {
        var (name, address) = (message.HeaderFromName, message.HeaderFrom);
        if (name is null && message.State is not (MessageState.Deleted or MessageState.Purged or MessageState.Rejected))
        {
            // Stored before the display name was recorded: read the stored message's headers (not its body).
            try
            {
                await using var stream = await quarantine.OpenOriginalAsync(message, cancellationToken);
                var headers = await HeaderList.LoadAsync(stream, cancellationToken);
                if (headers.FirstOrDefault(h => h.Id == HeaderId.From) is { } header && InternetAddressList.TryParse(ParserOptions.Default, header.RawValue, out var from)
                    && from.Mailboxes.FirstOrDefault() is { } first)
                {
                    (name, address) = (first.Name, address ?? first.Address);
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ParseException or UnauthorizedAccessException)
            {
                // The name is a courtesy: the envelope sender is still shown.
            }
        }

        List<Finding> findings;
        IReadOnlyList<ReviewedAttachment> attachments;
        try
        {
            findings = JsonSerializer.Deserialize<List<Finding>>(message.FindingsJson, ReportJson.Options) ?? [];
            attachments = ReleaseReview.Attachments(message);
        }
        catch (JsonException)
        {
            (findings, attachments) = ([], []);
        }

        return new ReviewItem(message, name ?? "", address, attachments, findings, ReleaseReview.RiskyPaths(message));
    }
}
