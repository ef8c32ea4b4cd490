using System.CommandLine;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Protection;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary>
/// <c>safemail protect FILE... -o OUT.zip</c>: writes a password-protected ZIP and prints the generated password.
/// The archive is written beside OUT under a temporary name, checked with our own inspector (it must read as
/// protected), and only then moved into place — a failed run never leaves a half-written or unprotected OUT.
/// </summary>
internal static class ProtectCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "ZIP に入れるファイル / files to put in the ZIP", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "作成する ZIP / the ZIP to write", Required = true };
        var zipCrypto = new Option<bool>("--zipcrypto") { Description = "ZipCrypto で暗号化（Windows 標準機能で開ける、強度は低い） / ZipCrypto (opens in Windows Explorer, weaker)" };
        var force = new Option<bool>("--force") { Description = "既存のファイルを上書き / overwrite an existing file" };

        var command = new Command("protect", "パスワード付きZIPを作成 / write a password-protected ZIP") { files, output, zipCrypto, force };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetRequiredValue(files), parse.GetRequiredValue(output), parse.GetValue(zipCrypto), parse.GetValue(force), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string[] files, string output, bool zipCrypto, bool force, CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new CliException(ExitCodes.NoInput, new LocalizedText($"ファイルが見つかりません: {file}", $"file not found: {file}"));
            }
        }

        var target = Path.GetFullPath(output);
        if (File.Exists(target) && !force)
        {
            throw new CliException(ExitCodes.CannotCreate, new LocalizedText(
                $"{output} は既に存在します。上書きするには --force を付けてください", $"{output} already exists: add --force to overwrite it"));
        }

        var encryption = zipCrypto ? ZipEncryption.ZipCrypto : ZipEncryption.Aes256;
        var password = PasswordGenerator.Generate();
        var temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        IReadOnlyList<ProtectedZipEntry> entries;
        try
        {
            await using (var stream = CreateOutput(temporary, output))
            {
                entries = new ProtectedZipWriter(new ProtectedZipOptions { Encryption = encryption })
                    .Write(stream, password, files.Select(f => ProtectedZipInput.FromFile(f)), cancellationToken);
            }

            await using (var written = File.OpenRead(temporary))
            {
                var check = await new MessageInspector(new InspectionLimits()).InspectFileAsync(written, Path.GetFileName(target), cancellationToken);
                if (check.Protection != ProtectionStatus.Protected)
                {
                    throw new InvalidOperationException($"self-check failed: the archive reads as {check.Protection} ({check.Detail.En})");
                }
            }

            File.Move(temporary, target, overwrite: force);
        }
        catch (ProtectionException e)
        {
            throw new CliException(ExitCodes.DataError, e.UserMessage);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.CannotCreate, new LocalizedText($"{output} を書き込めません: {e.Message}", $"cannot write {output}: {e.Message}"));
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        var method = encryption == ZipEncryption.Aes256 ? "AES-256" : "ZipCrypto";
        Console.WriteLine(new LocalizedText(
            $"パスワード付きZIPを作成しました: {output}（{method}、{entries.Count}件）",
            $"wrote the password-protected ZIP {output} ({method}, {entries.Count} files)"));
        foreach (var entry in entries)
        {
            Console.WriteLine($"  {entry.Name}");
        }

        Console.WriteLine(new LocalizedText($"パスワード: {password}", $"password: {password}"));
        return 0;
    }

    private static FileStream CreateOutput(string temporary, string output)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // holds customer data
            }

            return new FileStream(temporary, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            throw new CliException(ExitCodes.CannotCreate, new LocalizedText($"{output} を作成できません: {e.Message}", $"cannot create {output}: {e.Message}"));
        }
    }
}
