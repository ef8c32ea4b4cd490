namespace Miraie.SafeMail.Cli.Tests;

/// <summary>The README's example output comes from the real program, so it cannot drift from what users see.</summary>
public class ReadmeTests
{
    [Test]
    public async Task The_readme_example_is_what_safemail_prints()
    {
        var readme = await File.ReadAllLinesAsync(Path.Combine(SafemailProcess.RepositoryRoot, "README.md"));
        var command = Array.FindIndex(readme, l => l.StartsWith("$ safemail --lang ja check ", StringComparison.Ordinal));
        command.Should().BePositive("the README shows an example run");
        var shown = readme.Skip(command + 1).TakeWhile(l => l != "```").ToList();
        var args = readme[command]["$ safemail ".Length..].Split(' ');

        var result = await SafemailProcess.RunAsync(args);
        result.ExitCode.Should().Be(1, result.Error);
        var printed = result.Out.TrimEnd().Split('\n').Where(l => !l.StartsWith("検査時間", StringComparison.Ordinal)).ToList();
        string.Join('\n', printed).TrimEnd().Should().Be(string.Join('\n', shown).TrimEnd());
    }
}
