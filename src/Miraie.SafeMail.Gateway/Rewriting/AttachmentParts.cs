using System.Security.Cryptography;
using MimeKit;
using MimeKit.Cryptography;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Gateway.Rewriting;

/// <summary>
/// Finds an inspected message's attachments in its MIME tree — by the SHA-256 of their decoded content, which inspection
/// recorded for every top-level attachment — and takes them out, for the actions that change what leaves (Encrypt, Link).
/// Only plain MIME parts are found: an attached message or a file inside winmail.dat is not, and the caller then refuses.
/// </summary>
public static class AttachmentParts
{
    /// <summary>A signed or encrypted message (S/MIME, PGP/MIME): changing it would break the signature, or cannot be done.</summary>
    public static bool IsSignedOrEncrypted(MimeMessage message) =>
        message.BodyParts.Any(p => p is ApplicationPkcs7Mime or MultipartEncrypted) || HasSigned(message.Body);

    /// <summary>The MIME parts of <paramref name="wanted"/>, each with its decoded content; null when one of them is not found.</summary>
    public static async Task<List<FoundPart>?> FindAsync(MimeMessage message, IReadOnlyList<AttachmentNode> wanted, CancellationToken cancellationToken)
    {
        var left = wanted.Select(w => w.Sha256).ToList();
        if (left.Any(h => h is null))
        {
            return null;
        }

        var found = new List<FoundPart>();
        using var iterator = new MimeIterator(message);
        while (iterator.MoveNext() && left.Count > 0)
        {
            if (iterator.Current is not MimePart { Content: not null } part || part is TextPart { IsAttachment: false })
            {
                continue;
            }

            var decoded = new MemoryStream();
            await part.Content.DecodeToAsync(decoded, cancellationToken).ConfigureAwait(false);
            var hash = Convert.ToHexStringLower(SHA256.HashData(decoded.GetBuffer().AsSpan(0, (int)decoded.Length)));
            var index = left.FindIndex(h => string.Equals(h, hash, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                await decoded.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            left.RemoveAt(index);
            decoded.Position = 0;
            found.Add(new FoundPart(part, iterator.Parent as Multipart, decoded));
        }

        if (left.Count > 0)
        {
            found.ForEach(f => f.Content.Dispose());
            return null;
        }

        return found;
    }

    /// <summary>Puts <paramref name="replacement"/> (if any) where the first part was and removes the others; a single-part message's body becomes the replacement.</summary>
    public static void Replace(MimeMessage message, IReadOnlyList<FoundPart> parts, MimeEntity? replacement)
    {
        var first = parts[0];
        if (replacement is null)
        {
            first.Parent?.Remove(first.Part);
        }
        else if (first.Parent is { } parent)
        {
            parent[parent.IndexOf(first.Part)] = replacement;
        }
        else
        {
            message.Body = replacement;
        }

        foreach (var other in parts.Skip(1))
        {
            other.Parent?.Remove(other.Part);
        }
    }

    /// <summary>A found part's file name as its sender gave it, without control characters or path separators; <c>attachment-N</c> when it has none left.</summary>
    public static string FileNameOf(FoundPart part, int index)
    {
        var clean = new string((part.Part.FileName ?? "").Where(c => !char.IsControl(c) && c is not ('/' or '\\')).ToArray()).Trim();
        return clean.Length == 0 ? $"attachment-{index + 1}" : clean;
    }

    /// <summary>
    /// Runs a rewrite (Encrypt, Link); anything it throws on the way — a MIME tree MimeKit reads differently from the
    /// inspector, a write that fails — becomes a refusal, so the acceptor quarantines the message as it came rather than
    /// answering 451 for ever to a message that will never rewrite.
    /// </summary>
    public static async Task<T> GuardAsync<T>(Func<Task<T>> rewrite, Func<Core.Text.LocalizedText, T> refused)
    {
        try
        {
            return await rewrite().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            return refused(new Core.Text.LocalizedText($"メールを変更できなかったため、隔離しました（{e.GetType().Name}）",
                $"the message could not be changed, so it was quarantined ({e.GetType().Name}: {e.Message})"));
        }
    }

    /// <summary>The bytes as they travel (CRLF).</summary>
    public static async Task<Storage.Spool.MessageContent> WriteAsync(MimeMessage message, long sizeHint, CancellationToken cancellationToken)
    {
        var output = new MemoryStream(sizeHint > int.MaxValue / 2 ? 0 : (int)sizeHint);
        await message.WriteToAsync(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, output, cancellationToken).ConfigureAwait(false);
        return Storage.Spool.MessageContent.FromBytes(output.GetBuffer().AsSpan(0, (int)output.Length));
    }

    private static bool HasSigned(MimeEntity? entity) => entity switch
    {
        MultipartSigned => true,
        Multipart multipart => multipart.Any(HasSigned),
        _ => false,
    };
}
