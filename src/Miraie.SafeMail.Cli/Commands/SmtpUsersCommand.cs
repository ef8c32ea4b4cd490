using System.CommandLine;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage.Accounts;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary>
/// <c>safemail smtp-users add NAME | list | disable NAME</c>: who may relay with SMTP AUTH (over TLS) from outside the
/// trusted networks. Passwords are read from the terminal without echo (or from standard input when piped) and stored
/// only as hashes.
/// </summary>
internal static class SmtpUsersCommand
{
    private const int MinimumPasswordLength = 12;

    public static Command Create(Option<string?> settings)
    {
        var name = new Argument<string>("NAME") { Description = "ユーザー名 / user name" };
        var add = new Command("add", "ユーザーを追加（パスワードを設定） / add a user (or set a new password)") { name };
        add.SetAction((p, ct) => AddAsync(p.GetValue(settings), p.GetRequiredValue(name), ct));
        var list = new Command("list", "ユーザーの一覧 / list users");
        list.SetAction((p, ct) => ListAsync(p.GetValue(settings), ct));
        var disable = new Command("disable", "ユーザーを無効化 / disable a user") { name };
        disable.SetAction((p, ct) => DisableAsync(p.GetValue(settings), p.GetRequiredValue(name), ct));
        return new Command("smtp-users", "SMTP 認証ユーザーの管理 / SMTP AUTH users") { add, list, disable };
    }

    private static async Task<int> AddAsync(string? settings, string name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsWhiteSpace) || name.Length > 128)
        {
            throw new CliException(ExitCodes.Usage, new LocalizedText("ユーザー名に空白は使えません", "a user name cannot contain spaces"));
        }

        var password = PasswordPrompt.Read();
        if (password.Length < MinimumPasswordLength)
        {
            throw new CliException(ExitCodes.DataError, new LocalizedText(
                $"パスワードは{MinimumPasswordLength}文字以上にしてください", $"the password must have at least {MinimumPasswordLength} characters"));
        }

        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await SmtpUsers.SetAsync(connection, name, password, DateTimeOffset.UtcNow, cancellationToken);
        Console.WriteLine(new LocalizedText($"SMTP ユーザーを設定しました: {name}", $"SMTP user set: {name}"));
        return 0;
    }

    private static async Task<int> ListAsync(string? settings, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        foreach (var (user, disabled) in await SmtpUsers.ListAsync(connection, cancellationToken))
        {
            Console.WriteLine(disabled ? $"{user}  ({new LocalizedText("無効", "disabled")})" : user);
        }

        return 0;
    }

    private static async Task<int> DisableAsync(string? settings, string name, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        if (!await SmtpUsers.DisableAsync(connection, name, cancellationToken))
        {
            throw new CliException(ExitCodes.DataError, new LocalizedText($"ユーザーがいません: {name}", $"no such user: {name}"));
        }

        Console.WriteLine(new LocalizedText($"無効にしました: {name}", $"disabled {name}"));
        return 0;
    }
}
