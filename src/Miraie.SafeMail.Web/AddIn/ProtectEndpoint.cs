using System.Security.Cryptography;
using Miraie.SafeMail.Core.Protection;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Audit;
using Miraie.SafeMail.Storage.Passwords;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.AddIn;

/// <summary>
/// <c>POST /api/addin/protect</c>: the pane's attachments in (multipart), one password-protected ZIP out. AES-256, or
/// ZipCrypto when a recipient's domain is listed for Windows Explorer; UTF-8 names. The password stays on the server
/// (<see cref="ArchivePasswords"/>); the response names the archive by id.
/// </summary>
public static class ProtectEndpoint
{
    /// <summary>Outlook's limit for an attachment added from base64 is about 25 MB: larger archives could not be attached.</summary>
    public const long MaxTotalBytes = 25L * 1024 * 1024;

    private const int MaxFiles = 50;

    /// <summary>Handles one request.</summary>
    public static async Task<IResult> HandleAsync(HttpContext context, AddInOptions options, ArchivePasswords passwords, SafeMailDatabase database, TimeProvider time)
    {
        var (sender, problem) = AddInCaller.Identify(context, options);
        if (problem is not null)
        {
            return problem;
        }

        if (!context.Request.HasFormContentType)
        {
            return Bad(Lang.T("ファイルを multipart/form-data で送ってください", "Send the files as multipart/form-data"));
        }

        if (context.Request.ContentLength > MaxTotalBytes + (1024 * 1024))
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: TooLarge());
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var files = form.Files.GetFiles("files");
        if (files.Count == 0 || files.Count > MaxFiles)
        {
            return Bad(Lang.T($"ファイルを1〜{MaxFiles}個選んでください", $"Choose 1 to {MaxFiles} files"));
        }

        if (files.Sum(f => f.Length) > MaxTotalBytes)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: TooLarge());
        }

        var recipients = form["recipients"].ToString().Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var zipCrypto = recipients.Any(r => options.ZipCryptoDomains.Contains(r[(r.LastIndexOf('@') + 1)..], StringComparer.OrdinalIgnoreCase));
        var encryption = zipCrypto ? ZipEncryption.ZipCrypto : ZipEncryption.Aes256;
        var archiveName = SafeName(form["name"].ToString(), files.Count == 1 ? Path.GetFileNameWithoutExtension(files[0].FileName) : Lang.T("添付ファイル", "attachments"));
        var password = PasswordGenerator.Generate();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

        // Written to a private temporary file, never held whole in memory twice; deleted when the response is done.
        var path = Path.Combine(Path.GetTempPath(), "safemail-protect-" + id + ".zip");
        var output = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        try
        {
            var streams = files.Select(f => f.OpenReadStream()).ToList();
            try
            {
                new ProtectedZipWriter(new ProtectedZipOptions { Encryption = encryption })
                    .Write(output, password, files.Select((f, i) => ProtectedZipInput.FromStream(f.FileName, streams[i])), context.RequestAborted);
            }
            finally
            {
                streams.ForEach(s => s.Dispose());
            }
        }
        catch (ProtectionException e)
        {
            await output.DisposeAsync();
            return Bad(e.UserMessage.ToString());
        }

        // The ZIP's hash binds the password to this very file: the gateway sends a password mail only for a message carrying it.
        output.Position = 0;
        var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(output, context.RequestAborted));
        await passwords.SaveAsync(new NewArchive(id, sender!, recipients, archiveName, encryption.ToString(), password, sha256), time.GetUtcNow(), context.RequestAborted);
        await using (var connection = await database.OpenAsync(context.RequestAborted))
        {
            await AuditLog.AppendAsync(connection, null, time.GetUtcNow(), "addin:" + sender, AuditActions.Protect, null,
                $"archive {id} {encryption} files={files.Count} bytes={output.Length}", context.RequestAborted);
        }

        output.Position = 0;
        context.Response.Headers["X-SafeMail-Archive-Id"] = id;
        context.Response.Headers["X-SafeMail-Encryption"] = encryption.ToString();
        return Results.File(output, "application/zip", archiveName);
    }

    private static string SafeName(string requested, string fallback)
    {
        var name = string.IsNullOrWhiteSpace(requested) ? fallback : requested.Trim();
        name = new string(name.Where(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format && c is not ('/' or '\\')).ToArray());
        if (name.Length == 0)
        {
            name = "attachments";
        }

        return (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? name : name + ".zip")[..Math.Min(name.Length + 4, 120)];
    }

    private static string TooLarge() => Lang.T(
        $"添付ファイルの合計が大きすぎます（{MaxTotalBytes / 1024 / 1024} MB まで）。Outlook はこれより大きいファイルを添付できません。ファイルを分けるか、共有リンクをお使いください。",
        $"The attachments are too large in total ({MaxTotalBytes / 1024 / 1024} MB at most): Outlook cannot attach more. Split them or use a sharing link.");

    private static IResult Bad(string title) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title);
}
