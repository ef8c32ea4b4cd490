using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Miraie.SafeMail.Cli.Tests.Commands;

public partial class ProtectCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("safemail-protect-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static string Password(string output) => PasswordLine().Match(output) is { Success: true } m ? m.Groups[1].Value : throw new AssertionException("no password printed: " + output);

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [Test]
    public async Task Writes_an_aes_zip_that_7z_opens_byte_identical_with_the_printed_password()
    {
        var random = new byte[300_000];
        new Random(7).NextBytes(random);
        var quote = Write("御見積書 2026年度.pdf", random);
        var csv = Write("顧客一覧.csv", "顧客名,金額\n株式会社サンプル,1000000\n"u8.ToArray());
        var zip = Path.Combine(_dir, "見積.zip");

        var result = await SafemailProcess.RunInAsync("ja", null, "protect", quote, csv, "-o", zip);
        result.ExitCode.Should().Be(0, result.Error);
        result.Out.Should().Contain("パスワード付きZIPを作成しました").And.Contain("AES-256").And.Contain("御見積書 2026年度.pdf");
        var password = Password(result.Out);
        password.Should().MatchRegex("^[A-HJ-NP-Za-km-z2-9]{16}$");

        var extracted = Path.Combine(_dir, "x");
        Run("7z", "x", $"-p{password}", $"-o{extracted}", zip).ExitCode.Should().Be(0);
        (await File.ReadAllBytesAsync(Path.Combine(extracted, "御見積書 2026年度.pdf"))).Should().Equal(random);
        (await File.ReadAllBytesAsync(Path.Combine(extracted, "顧客一覧.csv"))).Should().Equal(await File.ReadAllBytesAsync(csv));
        Run("7z", "l", "-slt", zip).Output.Should().Contain("Method = AES-256");
        Run("7z", "t", "-pwrong-password", zip).ExitCode.Should().NotBe(0);
    }

    [Test]
    public async Task ZipCrypto_archives_open_with_info_zip_unzip()
    {
        var file = Write("請求書.txt", "ご請求金額 10,000円"u8.ToArray());
        var zip = Path.Combine(_dir, "請求.zip");
        var result = await SafemailProcess.RunAsync("protect", file, "-o", zip, "--zipcrypto");
        result.ExitCode.Should().Be(0, result.Error);
        result.Out.Should().Contain("ZipCrypto");
        var run = Run("unzip", "-P", Password(result.Out), "-d", Path.Combine(_dir, "u"), zip);
        run.ExitCode.Should().Be(0, run.Output);
        (await File.ReadAllTextAsync(Path.Combine(_dir, "u", "請求書.txt"))).Should().Be("ご請求金額 10,000円");
    }

    [Test]
    public async Task An_existing_output_is_not_overwritten_without_force()
    {
        var file = Write("a.txt", "a"u8.ToArray());
        var zip = Write("out.zip", "keep me"u8.ToArray());
        var result = await SafemailProcess.RunAsync("protect", file, "-o", zip);
        result.ExitCode.Should().Be(73);
        result.Error.Trim().Should().Be($"safemail: {zip} already exists: add --force to overwrite it");
        (await File.ReadAllTextAsync(zip)).Should().Be("keep me");

        (await SafemailProcess.RunAsync("protect", file, "-o", zip, "--force")).ExitCode.Should().Be(0);
        Run("7z", "l", zip).ExitCode.Should().Be(0);
    }

    [Test]
    public async Task A_missing_input_writes_nothing_and_is_exit_code_66()
    {
        var zip = Path.Combine(_dir, "out.zip");
        var result = await SafemailProcess.RunAsync("protect", Path.Combine(_dir, "nope.pdf"), "-o", zip);
        result.ExitCode.Should().Be(66);
        result.Error.Trim().Should().StartWith("safemail: file not found:");
        File.Exists(zip).Should().BeFalse();
        Directory.GetFiles(_dir).Should().BeEmpty("no temporary file is left behind");
    }

    [Test]
    public async Task An_unwritable_output_is_exit_code_73()
    {
        var file = Write("a.txt", "a"u8.ToArray());
        var result = await SafemailProcess.RunAsync("protect", file, "-o", Path.Combine(_dir, "no-such-dir", "out.zip"));
        result.ExitCode.Should().Be(73);
        result.Error.Should().StartWith("safemail: cannot create");
    }

    [GeneratedRegex(@"(?:password|パスワード): (\S+)")]
    private static partial Regex PasswordLine();
}
