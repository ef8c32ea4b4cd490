namespace Miraie.SafeMail.Cli.Tests.Commands;

/// <summary><c>safemail users</c>: the first admin is made here, and it is the way back in for a locked-out admin.</summary>
public class UsersCommandTests
{
    private string _data = null!;

    [SetUp]
    public void SetUp() => _data = Directory.CreateTempSubdirectory("safemail-users-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_data, recursive: true);

    private Task<SafemailProcess.Result> Users(string? password, params string[] args) =>
        SafemailProcess.RunWithInputAsync(password, "ja", new Dictionary<string, string> { ["SafeMail__Gateway__DataDirectory"] = _data }, ["users", .. args]);

    [Test]
    public async Task The_first_admin_is_added_on_an_empty_data_directory_and_listed()
    {
        var added = await Users("Adm1n-Passw0rd-x", "add", "yamada", "--role", "admin");
        added.ExitCode.Should().Be(0, added.Error);
        added.Out.Should().Contain("ユーザーを追加しました: yamada（管理者）");
        File.Exists(Path.Combine(_data, "safemail.db")).Should().BeTrue();

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
}
