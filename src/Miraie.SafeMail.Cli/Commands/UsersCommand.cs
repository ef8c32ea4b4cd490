using System.CommandLine;
using Miraie.SafeMail.Core.Text;
using Miraie.SafeMail.Storage.Accounts;
using Miraie.SafeMail.Storage.Audit;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary>
/// <c>safemail users add NAME --role admin|operator|auditor | list | set-role NAME --role ROLE | reset-password NAME |
/// unlock NAME | disable NAME | enable NAME</c>: the web console's accounts. The first admin is made here (the console has no
/// default account); unlock, reset-password and enable are the way back in for an admin kept out at 2 a.m. The last
/// enabled admin is never demoted or disabled, here as in the console. Passwords are read without echo (or from piped stdin).
/// </summary>
internal static class UsersCommand
{
    public static Command Create(Option<string?> settings)
    {
        var name = new Argument<string>("NAME") { Description = "ユーザー名 / user name" };
        var role = new Option<string>("--role")
        {
            Description = "役割: admin（管理者）| operator（オペレーター）| auditor（監査担当） / role",
            DefaultValueFactory = _ => ConsoleRoles.Operator,
        };
        role.AcceptOnlyFromAmong([.. ConsoleRoles.All]);
        var add = new Command("add", "コンソールのユーザーを追加 / add a console user") { name, role };
        add.SetAction((p, ct) => AddAsync(p.GetValue(settings), p.GetRequiredValue(name), p.GetRequiredValue(role), ct));
        var list = new Command("list", "ユーザーの一覧 / list users");
        list.SetAction((p, ct) => ListAsync(p.GetValue(settings), ct));
        var reset = new Command("reset-password", "パスワードを再設定（サインインの待ち時間も解除） / set a new password (and clear the sign-in wait)") { name };
        reset.SetAction((p, ct) => ResetAsync(p.GetValue(settings), p.GetRequiredValue(name), ct));
        var newRole = new Option<string>("--role")
        {
            Description = "新しい役割: admin（管理者）| operator（オペレーター）| auditor（監査担当） / the new role",
            Required = true,
        };
        newRole.AcceptOnlyFromAmong([.. ConsoleRoles.All]);
        var setRole = new Command("set-role", "役割を変更（最後の管理者は変更できません） / change the role (never the last admin's)") { name, newRole };
        setRole.SetAction((p, ct) => SetRoleAsync(p.GetValue(settings), p.GetRequiredValue(name), p.GetRequiredValue(newRole), ct));
        var unlock = new Command("unlock", "サインインの待ち時間を解除（パスワードはそのまま） / clear the sign-in wait (the password stays)") { name };
        unlock.SetAction((p, ct) => UnlockAsync(p.GetValue(settings), p.GetRequiredValue(name), ct));
        var disable = new Command("disable", "ユーザーを無効化 / disable a user") { name };
        disable.SetAction((p, ct) => SetDisabledAsync(p.GetValue(settings), p.GetRequiredValue(name), true, ct));
        var enable = new Command("enable", "ユーザーを有効化 / enable a user") { name };
        enable.SetAction((p, ct) => SetDisabledAsync(p.GetValue(settings), p.GetRequiredValue(name), false, ct));
        return new Command("users", "Web コンソールのユーザー管理 / web console users") { add, list, setRole, reset, unlock, disable, enable };
    }

    private static async Task<int> AddAsync(string? settings, string name, string role, CancellationToken cancellationToken)
    {
        CheckName(name);
        var password = ReadNewPassword();
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken, create: true);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        if (!await ConsoleUsers.AddAsync(connection, name, password, role, DateTimeOffset.UtcNow, cancellationToken))
        {
            throw new CliException(ExitCodes.DataError, new LocalizedText(
                $"そのユーザーは既にいます: {name}（パスワードは reset-password で再設定できます）", $"user {name} exists (reset-password sets a new password)"));
        }

        await AuditLog.AppendAsync(connection, null, DateTimeOffset.UtcNow, Actor(), AuditActions.UserChange, null, $"add {name} role={role}", cancellationToken);
        Console.WriteLine(new LocalizedText($"ユーザーを追加しました: {name}（{ConsoleRoles.Text(role).Ja}）", $"added {name} ({role})"));
        return 0;
    }

    private static async Task<int> ListAsync(string? settings, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        foreach (var user in await ConsoleUsers.ListAsync(connection, cancellationToken))
        {
            var notes = new List<string>();
            if (user.Disabled)
            {
                notes.Add(new LocalizedText("無効", "disabled").ToString());
            }

            if (user.FailedCount > 0)
            {
                notes.Add(new LocalizedText($"サインイン失敗 {user.FailedCount} 回", $"{user.FailedCount} failed sign-ins").ToString());
            }

            Console.WriteLine($"{user.Name}  {ConsoleRoles.Text(user.Role)}{(notes.Count > 0 ? "  (" + string.Join(", ", notes) + ")" : "")}");
        }

        return 0;
    }

    private static async Task<int> ResetAsync(string? settings, string name, CancellationToken cancellationToken)
    {
        var password = ReadNewPassword();
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        if (!await ConsoleUsers.SetPasswordAsync(connection, name, password, cancellationToken))
        {
            throw NoSuchUser(name);
        }

        await ConsoleUsers.ClearSignInWaitAsync(connection, name, DateTimeOffset.UtcNow, cancellationToken);

        await AuditLog.AppendAsync(connection, null, DateTimeOffset.UtcNow, Actor(), AuditActions.UserChange, null, $"reset-password {name}", cancellationToken);
        Console.WriteLine(new LocalizedText($"パスワードを再設定しました: {name}", $"password set for {name}"));
        return 0;
    }

    private static async Task<int> SetRoleAsync(string? settings, string name, string role, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        var before = await ConsoleUsers.GetAsync(connection, name, cancellationToken) ?? throw NoSuchUser(name);
        Check(await ConsoleUsers.SetRoleAsync(connection, name, role, cancellationToken), name);
        await AuditLog.AppendAsync(connection, null, DateTimeOffset.UtcNow, Actor(), AuditActions.UserChange, null, $"role {name} -> {role}", cancellationToken);
        Console.WriteLine(new LocalizedText($"役割を変更しました: {name}（{ConsoleRoles.Text(before.Role).Ja} → {ConsoleRoles.Text(role).Ja}）",
            $"changed the role of {name} ({before.Role} -> {role})"));
        return 0;
    }

    private static async Task<int> UnlockAsync(string? settings, string name, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        if (!await ConsoleUsers.ClearSignInWaitAsync(connection, name, DateTimeOffset.UtcNow, cancellationToken))
        {
            throw NoSuchUser(name);
        }

        await AuditLog.AppendAsync(connection, null, DateTimeOffset.UtcNow, Actor(), AuditActions.UserChange, null, $"unlock {name}", cancellationToken);
        Console.WriteLine(new LocalizedText($"サインインの待ち時間を解除しました: {name}（コンソールは次のサインインから反映します）",
            $"cleared the sign-in wait of {name} (the console applies it at the next sign-in)"));
        return 0;
    }

    private static async Task<int> SetDisabledAsync(string? settings, string name, bool disabled, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(settings, cancellationToken);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        Check(await ConsoleUsers.SetDisabledAsync(connection, name, disabled, cancellationToken), name);

        await AuditLog.AppendAsync(connection, null, DateTimeOffset.UtcNow, Actor(), AuditActions.UserChange, null, $"{(disabled ? "disable" : "enable")} {name}",
            cancellationToken);
        Console.WriteLine(disabled ? new LocalizedText($"無効にしました: {name}", $"disabled {name}") : new LocalizedText($"有効にしました: {name}", $"enabled {name}"));
        return 0;
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || name.Length > 64)
        {
            throw new CliException(ExitCodes.Usage, new LocalizedText("ユーザー名は空白・制御文字なしの64文字以内にしてください",
                "a user name has at most 64 characters, without spaces or control characters"));
        }
    }

    private static string ReadNewPassword()
    {
        var password = PasswordPrompt.Read();
        if (password.Length < ConsoleUsers.MinimumPasswordLength)
        {
            throw new CliException(ExitCodes.DataError, new LocalizedText(
                $"パスワードは{ConsoleUsers.MinimumPasswordLength}文字以上にしてください", $"the password must have at least {ConsoleUsers.MinimumPasswordLength} characters"));
        }

        return password;
    }

    private static void Check(AccountChange result, string name)
    {
        switch (result)
        {
            case AccountChange.NoSuchUser:
                throw NoSuchUser(name);
            case AccountChange.LastAdmin:
                throw new CliException(ExitCodes.DataError, new LocalizedText(
                    $"{name} は最後の有効な管理者のため、変更できません（先に別の管理者を追加するか、set-role で別のユーザーを管理者にしてください）",
                    $"{name} is the last enabled admin and keeps the role (add another admin first, or make one with set-role)"));
        }
    }

    private static CliException NoSuchUser(string name) =>
        new(ExitCodes.DataError, new LocalizedText($"ユーザーがいません: {name}", $"no such user: {name}"));

    private static string Actor() => "cli:" + Environment.UserName;
}
