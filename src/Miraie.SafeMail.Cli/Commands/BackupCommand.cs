using System.CommandLine;
using System.Globalization;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage.Backup;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary>
/// <c>safemail backup DIR</c> while the product runs, and <c>safemail restore DIR</c> into a data directory without a
/// database (README "Backup and restore").
/// </summary>
internal static class BackupCommand
{
    public static Command CreateBackup(Option<string?> settings)
    {
        var folder = new Argument<string>("DIR") { Description = "バックアップ先（新しいか空のフォルダー） / backup folder (new or empty)" };
        var command = new Command("backup", "稼働中のまま、データフォルダーの整合したバックアップを取る / a consistent backup of the data directory, while the product runs") { folder };
        command.SetAction(async (p, ct) =>
        {
            await using var store = await GatewayStore.OpenAsync(p.GetValue(settings), ct);
            var manifest = await Run(() => DataBackup.CreateAsync(store.Database, store.DataDirectory, p.GetValue(folder)!, TimeProvider.System, ct));
            Console.WriteLine(new LocalizedText(
                $"バックアップしました: {Path.GetFullPath(p.GetValue(folder)!)}（{Summary(manifest, true)}）",
                $"backed up to {Path.GetFullPath(p.GetValue(folder)!)} ({Summary(manifest, false)})"));
            return 0;
        });
        return command;
    }

    public static Command CreateRestore(Option<string?> settings)
    {
        var folder = new Argument<string>("DIR") { Description = "safemail backup で作ったフォルダー / a folder made by safemail backup" };
        var command = new Command("restore", "バックアップを空のデータフォルダーに戻す（ゲートウェイは停止しておく） / restore a backup into an empty data directory (gateway stopped)") { folder };
        command.SetAction(async (p, ct) =>
        {
            var gateway = await GatewayStore.ReadOptionsAsync(p.GetValue(settings));
            var manifest = await Run(() => DataRestore.RestoreAsync(p.GetValue(folder)!, gateway.DataDirectory, ct));
            var when = manifest.CreatedAt.ToString("yyyy/MM/dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
            Console.WriteLine(new LocalizedText(
                $"復元しました: {Path.GetFullPath(gateway.DataDirectory)}（{when} のバックアップ、{Summary(manifest, true)}）",
                $"restored into {Path.GetFullPath(gateway.DataDirectory)} (backup of {when}, {Summary(manifest, false)})"));
            return 0;
        });
        return command;
    }

    private static async Task<BackupManifest> Run(Func<Task<BackupManifest>> action)
    {
        try
        {
            return await action();
        }
        catch (BackupException e)
        {
            throw new CliException(e.InputProblem ? ExitCodes.DataError : ExitCodes.CannotCreate, e.Text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.CannotCreate, new LocalizedText($"ファイルを読み書きできません: {e.Message}", $"cannot read or write files: {e.Message}"));
        }
    }

    private static string Summary(BackupManifest manifest, bool japanese)
    {
        var quarantined = manifest.Messages.GetValueOrDefault(MessageState.Quarantined);
        var queued = manifest.Messages.GetValueOrDefault(MessageState.Queued);
        var bytes = manifest.Files.Sum(f => f.Size) / 1024.0 / 1024.0;
        return japanese
            ? string.Create(CultureInfo.InvariantCulture, $"隔離 {quarantined}件、配送待ち {queued}件、ファイル {manifest.Files.Count}個、{bytes:0.0} MB")
            : string.Create(CultureInfo.InvariantCulture, $"{quarantined} quarantined, {queued} queued, {manifest.Files.Count} files, {bytes:0.0} MB");
    }
}
