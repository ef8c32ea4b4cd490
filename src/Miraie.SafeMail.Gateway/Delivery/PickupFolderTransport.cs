using System.Text;
using System.Text.Json;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>
/// The embedded default: each delivered message becomes <c>ID.eml</c> (the added headers, then the original bytes) with
/// <c>ID.envelope.json</c> beside it (sender and recipients, which the .eml cannot carry). Both are written to a
/// temporary name, synced and renamed, so a reader never sees half a file; the .json lands last and marks completion.
/// </summary>
public sealed class PickupFolderTransport : IMessageTransport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly string _folder;

    /// <summary>Writes into <paramref name="folder"/> (created if missing).</summary>
    public PickupFolderTransport(string folder)
    {
        _folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(_folder);
    }

    /// <inheritdoc/>
    public string Description => "pickup:" + _folder;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RecipientOutcome>> DeliverAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = await message.OpenContent(cancellationToken).ConfigureAwait(false);
            await Task.Run(() =>
            {
                FileSync.WriteDurably(Path.Combine(_folder, message.QueueId + ".eml"), output =>
                {
                    output.Write(Encoding.ASCII.GetBytes(message.AddedHeaders));
                    content.CopyTo(output);
                });
                var envelope = new { queueId = message.QueueId, sender = message.Sender, recipients = message.Recipients, deliveredAt = DateTimeOffset.UtcNow };
                FileSync.WriteDurably(Path.Combine(_folder, message.QueueId + ".envelope.json"), output => JsonSerializer.Serialize(output, envelope, Json));
            }, cancellationToken).ConfigureAwait(false);
            return message.Recipients.Select(r => new RecipientOutcome(r, OutcomeKind.Delivered, "250 written to the pickup folder")).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return message.Recipients.Select(r => new RecipientOutcome(r, OutcomeKind.Temporary, "451 4.3.0 pickup folder not writable: " + e.Message)).ToList();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
