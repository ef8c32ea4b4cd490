using Miraie.SafeMail.Gateway.Tests.Support;
using Miraie.SafeMail.Storage.Accounts;

namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary><c>safemail users</c>: the first admin is made here, and it is the way back in for a locked-out admin.</summary>
public class UsersCommandTests
{
    private string _data = null!;

    [SetUp]
    public void SetUp() => _data = Directory.CreateTempSubdirectory("safemail-users-").FullName;

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private Task<SafemailProcess.Result> Users(string? password, params string[] args) =>
        SafemailProcess.RunWithInputAsync(password, "ja", new Dictionary<string, string> { ["SafeMail__Gateway__DataDirectory"] = _data }, ["users", .. args]);

    [Test]
    public async Task The_first_admin_is_added_on_an_empty_data_directory_and_listed()
    {
        var added = await Users("Adm1n-Passw0rd-x", "add", "yamada", "--role", "admin");
        added.ExitCode.Should().Be(0, added.Error);
        added.Out.Should().Contain("ユーザーを追加しました: yamada（管理者）");
        using (var database = TestDatabase.Open(_data))
        {
            await using var connection = await database.OpenAsync();
            (await ConsoleUsers.GetAsync(connection, "yamada")).Should().BeEquivalentTo(new { Name = "yamada", Role = ConsoleRoles.Admin, Disabled = false },
                "the account is in the data directory's database (this run's provider)");
        }

        var list = await Users(null, "list");
        list.Out.Should().Contain("yamada  管理者");

        var again = await Users("Adm1n-Passw0rd-x", "add", "yamada", "--role", "admin");
        again.ExitCode.Should().Be(65);
        again.Error.Should().StartWith("safemail: ").And.Contain("既に");
    }

    [Test]
    public async Task Short_passwords_unknown_roles_and_unknown_users_are_refused_clearly()
    {
        var shortPassword = await Users("short", "add", "sato");
        shortPassword.ExitCode.Should().Be(65);
        shortPassword.Error.Should().Contain("12文字以上");

        var role = await Users("Adm1n-Passw0rd-x", "add", "sato", "--role", "root");
        role.ExitCode.Should().Be(64);

        await Users("Adm1n-Passw0rd-x", "add", "sato", "--role", "operator");
        var reset = await Users("N3w-Passw0rd-xyz", "reset-password", "sato");
        reset.ExitCode.Should().Be(0, reset.Error);
        var missing = await Users("N3w-Passw0rd-xyz", "reset-password", "nobody");
        missing.ExitCode.Should().Be(65);
        missing.Error.Should().Contain("ユーザーがいません: nobody");

        (await Users(null, "disable", "sato")).ExitCode.Should().Be(0);
        (await Users(null, "list")).Out.Should().Contain("sato  オペレーター  (無効)");
    }

    [Test]
    public async Task Set_role_changes_a_role_and_never_removes_the_last_admin()
    {
        (await Users("Adm1n-Passw0rd-x", "add", "yamada", "--role", "admin")).ExitCode.Should().Be(0);
        (await Users("Adm1n-Passw0rd-x", "add", "sato", "--role", "operator")).ExitCode.Should().Be(0);

        var promote = await Users(null, "set-role", "sato", "--role", "admin");
        promote.ExitCode.Should().Be(0, promote.Error);
        promote.Out.Should().Contain("役割を変更しました: sato（オペレーター → 管理者）");
        var demote = await Users(null, "set-role", "yamada", "--role", "auditor");
        demote.ExitCode.Should().Be(0, demote.Error);
        (await Users(null, "list")).Out.Should().Contain("yamada  監査担当").And.Contain("sato  管理者");

        var last = await Users(null, "set-role", "sato", "--role", "operator");
        last.ExitCode.Should().Be(65);
        last.Error.Should().StartWith("safemail: ").And.Contain("最後の有効な管理者");
        var disableLast = await Users(null, "disable", "sato");
        disableLast.ExitCode.Should().Be(65);
        disableLast.Error.Should().Contain("最後の有効な管理者");
        (await Users(null, "list")).Out.Should().Contain("sato  管理者").And.NotContain("sato  管理者  (無効)");

        (await Users(null, "set-role", "nobody", "--role", "admin")).Error.Should().Contain("ユーザーがいません: nobody");
        (await Users(null, "set-role", "sato", "--role", "root")).ExitCode.Should().Be(64);
        (await Users(null, "set-role", "sato")).ExitCode.Should().Be(64, "the role is required: no default role for a change");
    }

    [Test]
    public async Task Unlock_clears_the_sign_in_wait_without_changing_the_password()
    {
        (await Users("Adm1n-Passw0rd-x", "add", "yamada", "--role", "admin")).ExitCode.Should().Be(0);
        var unlock = await Users(null, "unlock", "yamada");
        unlock.ExitCode.Should().Be(0, unlock.Error);
        unlock.Out.Should().Contain("サインインの待ち時間を解除しました: yamada");
        (await Users(null, "unlock", "nobody")).ExitCode.Should().Be(65);
    }
}
