using System.Security.Cryptography;
using MimeKit;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Protection;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway.Rewriting;
using Miraie.SafeMail.Storage.Spool;

namespace Miraie.SafeMail.Gateway.Encryption;

/// <summary>
/// ゲートウェイ暗号化 (action <c>Encrypt</c>, ADR-019): the message's unprotected attachments leave in one
/// password-protected ZIP that takes the place of the first of them; everything else — headers, text, inline images,
/// attachments already protected — stays as it was. What cannot be done safely is refused with a reason, and the
/// acceptor then quarantines the message (fail closed):
/// <list type="bullet">
/// <item>content that is unknown, disguised or executable anywhere in the message (wrapping it would hide it);</item>
/// <item>a signed or encrypted message (changing it would break the signature, or cannot be done);</item>
/// <item>an attachment that is not a plain MIME part (an attached message, a file inside winmail.dat).</item>
/// </list>
/// The caller inspects the result again before it is queued.
/// </summary>
public static class AttachmentEncryptor
{
    /// <summary>The archive's name when it holds more than one file.</summary>
    public const string ManyFilesName = "添付ファイル.zip";

    /// <summary>Whether the report has an attachment the gateway would put into the archive.</summary>
    public static bool HasUnprotected(InspectionReport report) => report.Attachments.Any(NeedsProtection);

    /// <summary>
    /// Why a message the rule took may not leave, encrypted, as a link or at all: content that is unknown, disguised or
    /// executable (checked before anything else, so that such a message is quarantined even when nothing in it needs
    /// changing). <paramref name="asLink"/> words it for the Link action.
    /// </summary>
    public static LocalizedText? Refusal(InspectionReport report, bool asLink = false)
    {
        var (ja, en) = asLink ? ("ダウンロードリンクにせずに隔離しました", "quarantined instead of sent as a link") : ("暗号化せずに隔離しました", "quarantined instead of encrypted");
        return report.AllNodes.Any(n => n.Protection == ProtectionStatus.Unknown)
                ? new($"判別できない添付ファイルがあるため、{ja}", $"an attachment could not be identified, so it was {en}")
            : report.AllNodes.Any(n => n.Disguise != Disguises.None || n.Kind == FileKind.Executable)
                ? new($"偽装または実行可能な内容を含むため、{ja}", $"it holds disguised or executable content, so it was {en}")
            : null;
    }

    /// <summary>Makes the new message, or says why it cannot (in both languages).</summary>
    public static Task<EncryptionOutcome> EncryptAsync(MessageContent original, InspectionReport report, ZipEncryption encryption,
        CancellationToken cancellationToken) =>
        AttachmentParts.GuardAsync(() => RewriteAsync(original, report, encryption, cancellationToken), problem => new EncryptionOutcome(null, problem));

    private static async Task<EncryptionOutcome> RewriteAsync(MessageContent original, InspectionReport report, ZipEncryption encryption,
        CancellationToken cancellationToken)
    {
        if (Refusal(report) is { } refusal)
        {
            return new EncryptionOutcome(null, refusal);
        }

        var wanted = report.Attachments.Where(NeedsProtection).ToList();
        MimeMessage message;
        await using (var stream = original.OpenRead())
        {
            message = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        if (AttachmentParts.IsSignedOrEncrypted(message))
        {
            return Refused("署名または暗号化されたメールは変更できないため、隔離しました", "a signed or encrypted message cannot be changed, so it was quarantined");
        }

        var parts = await AttachmentParts.FindAsync(message, wanted, cancellationToken).ConfigureAwait(false);
        if (parts is null)
        {
            return Refused("暗号化が必要な添付ファイルをメールの中で特定できないため、隔離しました",
                "an attachment that needs encryption could not be singled out in the message, so it was quarantined");
        }

        var password = PasswordGenerator.Generate();
        var names = parts.Select(AttachmentParts.FileNameOf).ToList();
        var archiveName = parts.Count == 1 ? Path.GetFileNameWithoutExtension(names[0]) + ".zip" : ManyFilesName;
        var zip = new MemoryStream();
        try
        {
            new ProtectedZipWriter(new ProtectedZipOptions { Encryption = encryption })
                .Write(zip, password, parts.Select((p, i) => ProtectedZipInput.FromStream(names[i], p.Content)), cancellationToken);
        }
        catch (ProtectionException e)
        {
            return new EncryptionOutcome(null, e.UserMessage);
        }
        finally
        {
            parts.ForEach(p => p.Content.Dispose());
        }

        var archiveBytes = zip.ToArray();
        AttachmentParts.Replace(message, parts, Attachment(archiveBytes, archiveName));
        var bytes = await AttachmentParts.WriteAsync(message, original.Length, cancellationToken).ConfigureAwait(false);
        return new EncryptionOutcome(new EncryptedMessage(bytes, archiveName, encryption, password, Convert.ToHexStringLower(SHA256.HashData(archiveBytes)), names), null);
    }

    /// <summary>An attachment with readable content of its own somewhere in it (the file itself, or what a plain archive holds).</summary>
    private static bool NeedsProtection(AttachmentNode attachment) => attachment.SelfAndDescendants.Any(n =>
        n.Protection == ProtectionStatus.NotProtected && (n.Children.Count == 0 || n.HoldsOwnContent));

    private static MimePart Attachment(byte[] bytes, string name)
    {
        var part = new MimePart("application", "zip")
        {
            Content = new MimeContent(new MemoryStream(bytes)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = name,
        };
        // Japanese names as RFC 2047 encoded words, which older Japanese mail programs read; RFC 2231 is not read by all of them.
        foreach (var parameter in part.ContentType.Parameters.Concat(part.ContentDisposition.Parameters))
        {
            parameter.EncodingMethod = ParameterEncodingMethod.Rfc2047;
        }

        return part;
    }

    private static EncryptionOutcome Refused(string ja, string en) => new(null, new LocalizedText(ja, en));

}
