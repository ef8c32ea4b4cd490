using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Transfer;
using Npgsql;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary>
/// <c>safemail db migrate-to-postgres --from DIR</c>: moves a single-node (SQLite) deployment into the PostgreSQL database
/// the settings name, verified, all or nothing (README "Moving from one node to a cluster").
/// </summary>
internal static class DatabaseCommand
{
    public static Command Create(Option<string?> settings)
    {
        var from = new Option<string>("--from")
        {
            Description = "移行元のデータフォルダー（SQLite で動いていたゲートウェイのもの） / the data directory of the SQLite deployment to move",
            HelpName = "DIR",
            Required = true,
        };
        var migrate = new Command("migrate-to-postgres",
            "1台構成（SQLite）のデータをすべて、設定の PostgreSQL に移行（ゲートウェイとコンソールは停止しておく） / " +
            "move a single-node (SQLite) deployment, every record, into the PostgreSQL database the settings name (gateway and console stopped)")
        {
            from,
        };
        migrate.SetAction(async (p, ct) =>
        {
            var gateway = await GatewayStore.ReadOptionsAsync(p.GetValue(settings));
            if (gateway.DatabaseProvider != DatabaseProvider.PostgreSql)
            {
                throw new CliException(ExitCodes.Config, new LocalizedText(
                    "移行先の PostgreSQL を設定してください: SafeMail:Gateway:DatabaseProvider を PostgreSql、SafeMail:Gateway:ConnectionString を接続文字列とし、" +
                    "パスワードは環境変数 SafeMail__Gateway__DatabasePassword で渡します",
                    "name the target in the settings: SafeMail:Gateway:DatabaseProvider = PostgreSql, SafeMail:Gateway:ConnectionString = its connection string, " +
                    "the password in the environment variable SafeMail__Gateway__DatabasePassword"));
            }

            // No command timeout: checksumming a large quarantine on the server takes longer than the 30 s default.
            var connection = new NpgsqlConnectionStringBuilder(
                DatabaseSettings.PostgreSql(gateway.ConnectionString!, gateway.DatabasePassword, "safemail db migrate-to-postgres")) { CommandTimeout = 0 };
            var where = $"{connection.Host}:{connection.Port}/{connection.Database}" + (connection.SearchPath is { Length: > 0 } schema ? $" ({schema})" : "");
            var source = Path.GetFullPath(p.GetValue(from)!);
            using var target = new SafeMailDatabase(connection.ConnectionString, DatabaseProvider.PostgreSql);
            Print(source, where, await Run(() => PostgreSqlTransfer.RunAsync(source, target, ct)));
            return 0;
        });
        return new Command("db", "データベースの管理 / database administration") { migrate };
    }

    private static async Task<TransferReport> Run(Func<Task<TransferReport>> transfer)
    {
        try
        {
            return await transfer();
        }
        catch (TransferException e)
        {
            throw new CliException(e.Problem switch
            {
                TransferProblem.SourceMissing => ExitCodes.NoInput,
                TransferProblem.InUse => ExitCodes.TempFail,
                TransferProblem.SourceDamaged => ExitCodes.DataError,
                TransferProblem.TargetNotEmpty => ExitCodes.CannotCreate,
                TransferProblem.TargetUnsuitable => ExitCodes.Config,
                _ => ExitCodes.Software,
            }, e.Text);
        }
        catch (SettingsException e)
        {
            throw new CliException(ExitCodes.Config, new LocalizedText(
                $"移行元のデータベースを使えません: {string.Join(" ", e.Errors)}", $"the source database cannot be used: {string.Join(" ", e.Errors)}"));
        }
        catch (SqliteException e)
        {
            throw new CliException(ExitCodes.DataError, new LocalizedText(
                $"移行元のデータベースを読めません（{e.Message}）。何もコミットしていません", $"the source database cannot be read ({e.Message}); nothing was committed"));
        }
        catch (DbException e)
        {
            // A connection lost during the final COMMIT leaves its outcome unknown: running again settles it (a committed
            // move is then refused as a target that holds data; an uncommitted one runs again into the empty target).
            throw new CliException(ExitCodes.Unavailable, new LocalizedText(
                $"PostgreSQL に接続できないか、エラーになりました（{e.Message}）。移行は完了していません。原因を取り除いてから、もう一度実行してください",
                $"PostgreSQL could not be reached or failed ({e.Message}); the move did not complete: fix the cause and run it again"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.DataError, new LocalizedText(
                $"移行元のファイルを読めません（{e.Message}）。何もコミットしていません", $"cannot read the source's files ({e.Message}); nothing was committed"));
        }
    }

    private static void Print(string source, string target, TransferReport report)
    {
        var japanese = LocalizedText.IsJapanese(CultureInfo.CurrentUICulture);
        var seconds = report.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        Console.WriteLine(japanese
            ? $"{source} を PostgreSQL（{target}）に移行しました（{seconds} 秒）。件数・内容・チェックサムはコミット前にすべて照合済みです:"
            : $"moved {source} into PostgreSQL ({target}) in {seconds} s; every count, row and checksum was verified before the commit:");
        var width = report.Tables.Max(t => t.Table.Length) + 2;
        foreach (var table in report.Tables)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {table.Table.PadRight(width)}{table.Rows,8}{(japanese ? "件" : "")}"));
        }

        var megabytes = (report.Bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
        Console.WriteLine(japanese
            ? $"  メール本文: {report.Messages}件、{megabytes} MB（SHA-256 照合済み）、データ保護キー: {report.Keys}個"
            : $"  message bytes: {report.Messages} messages, {megabytes} MB (SHA-256 checked); data-protection keys: {report.Keys}");
        Console.WriteLine(japanese
            ? $"  移行しないもの: {string.Join("、", PostgreSqlTransfer.NotMoved)}（各ノードが自分の稼働状態を書き込みます）"
            : $"  not moved: {string.Join(", ", PostgreSqlTransfer.NotMoved)} (each node writes its own status)");
        Console.WriteLine(new LocalizedText(
            "移行元のフォルダーは変更していません。このフォルダーで SQLite のゲートウェイを再び起動しないでください（配送キューのメールが二重に送られます）。各ノードを PostgreSQL の設定で起動してください",
            "the source directory was not changed. Do not start a SQLite gateway on it again (its queue would be sent twice): start the nodes with the PostgreSQL settings"));
    }
}
