using System.CommandLine;
using System.Globalization;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Gateway;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Backup;
using Miraie.SafeMail.Storage.Messages;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary>
/// <c>safemail backup DIR</c> while the product runs, and <c>safemail restore DIR</c> into a data directory without a
/// database (README "Backup and restore"). Both copy SQLite's data directory: with the PostgreSQL provider they refuse,
/// before opening anything, and point to PostgreSQL's own tools.
/// </summary>
internal static class BackupCommand
{
    public static Command CreateBackup(Option<string?> settings)
    {
        var folder = new Argument<string>("DIR") { Description = "バックアップ先（新しいか空のフォルダー） / backup folder (new or empty)" };
        var command = new Command("backup", "稼働中のまま、データフォルダーの整合したバックアップを取る / a consistent backup of the data directory, while the product runs") { folder };
        command.SetAction(async (p, ct) =>
        {
            RefuseWithPostgreSql(await GatewayStore.ReadOptionsAsync(p.GetValue(settings)), new LocalizedText(
                "PostgreSQL を使う構成（SafeMail:Gateway:DatabaseProvider = PostgreSql）では safemail backup は使えません。" +
                "データベースは PostgreSQL の pg_dump（または pg_basebackup などのバックアップ）で取り、" +
                "データフォルダーの keys フォルダー（アーカイブのパスワードとセッションを開く鍵）は別にコピーしてください",
                "safemail backup copies SQLite's data directory and does not apply with SafeMail:Gateway:DatabaseProvider = PostgreSql: " +
                "back up the database with PostgreSQL's pg_dump (or pg_basebackup, or your usual PostgreSQL backup) and copy the data " +
                "directory's keys folder (the keys that open archive passwords and sessions) separately"));
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
            RefuseWithPostgreSql(gateway, new LocalizedText(
                "PostgreSQL を使う構成（SafeMail:Gateway:DatabaseProvider = PostgreSql）では safemail restore は使えません。" +
                "データベースは pg_dump で取ったバックアップを pg_restore（または psql）で戻し、keys フォルダーをデータフォルダーに戻してください",
                "safemail restore puts back a backup of SQLite's data directory and does not apply with SafeMail:Gateway:DatabaseProvider = PostgreSql: " +
                "restore the database from its pg_dump with pg_restore (or psql) and put the keys folder back into the data directory"));
            var manifest = await Run(() => DataRestore.RestoreAsync(p.GetValue(folder)!, gateway.DataDirectory, ct));
            var when = manifest.CreatedAt.ToString("yyyy/MM/dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
            Console.WriteLine(new LocalizedText(
                $"復元しました: {Path.GetFullPath(gateway.DataDirectory)}（{when} のバックアップ、{Summary(manifest, true)}）",
                $"restored into {Path.GetFullPath(gateway.DataDirectory)} (backup of {when}, {Summary(manifest, false)})"));
            return 0;
        });
        return command;
    }

    private static void RefuseWithPostgreSql(GatewayOptions gateway, LocalizedText why)
    {
        if (gateway.DatabaseProvider == DatabaseProvider.PostgreSql)
        {
            throw new CliException(ExitCodes.Usage, why);
        }
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
