using System.CommandLine;
using System.Globalization;
using System.Text;
using Miraie.SafeMail.Cli;
using Miraie.SafeMail.Cli.Commands;
using Miraie.SafeMail.Core.Text;

Console.OutputEncoding = Encoding.UTF8;
var language = new Option<string?>("--lang")
{
    Description = "出力の言語 ja|en（既定は LANG） / output language ja|en (default: from LANG)",
    Recursive = true,
};
language.AcceptOnlyFromAmong("ja", "en");

var settings = new Option<string?>("--settings")
{
    Description = "設定ファイル (JSON、appsettings.sample.json と同じ形) / settings file (JSON, shaped like appsettings.sample.json)",
    Recursive = true,
};

var root = new RootCommand("Miraie SafeMail — 誤送信防止 / safe sending")
{
    language,
    settings,
    CheckCommand.Create(settings),
    ProtectCommand.Create(),
    QuarantineCommand.Create(settings),
    WaitingCommand.CreateHeld(settings),
    WaitingCommand.CreateApprovals(settings),
    LinksCommand.Create(settings),
    IncidentsCommand.Create(settings),
    SmtpUsersCommand.Create(settings),
    UsersCommand.Create(settings),
    HealthCommand.Create(settings),
    BackupCommand.CreateBackup(settings),
    BackupCommand.CreateRestore(settings),
    DatabaseCommand.Create(settings),
};

var parsed = root.Parse(args);
// Read only from a clean parse: GetValue throws on a malformed option (--lang given twice), which must be a usage error.
if (parsed.Errors.Count == 0 && parsed.GetValue(language) is { } lang)
{
    CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(lang);
}

if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync($"safemail: {error.Message}");
    }

    await Console.Error.WriteLineAsync(new LocalizedText("使い方は safemail --help を参照してください", "see safemail --help for usage").ToString());
    return ExitCodes.Usage;
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (CliException e)
{
    await Console.Error.WriteLineAsync($"safemail: {e.Text}");
    return e.ExitCode;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    // A bug: still one line, with what an operator needs to report it.
    await Console.Error.WriteLineAsync($"safemail: {new LocalizedText("内部エラーが発生しました", "internal error")}: {e.GetType().Name}: {e.Message}");
    return ExitCodes.Software;
}
