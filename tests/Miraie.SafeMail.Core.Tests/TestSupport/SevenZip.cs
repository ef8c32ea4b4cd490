namespace Miraie.SafeMail.Core.Tests.TestSupport;

/// <summary>The real <c>7z</c> and <c>unzip</c> as judges of the archives we write.</summary>
public static class SevenZip
{
    /// <summary>Extracts with <c>7z x -p…</c> and returns the result; exit code 0 means every entry checked out.</summary>
    public static ExternalTool.Result Extract(string archive, string password, string destination) =>
        ExternalTool.Run("7z", "x", "-y", "-bd", $"-p{password}", $"-o{destination}", archive);

    /// <summary>
    /// <c>7z l -slt</c> parsed into one property map per entry (Path, Method, Size, Modified, Characteristics …).
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ListTechnical(string archive, IDictionary<string, string>? environment = null)
    {
        var result = ExternalTool.Run("7z", ["l", "-slt", "-bd", archive], environment);
        result.ExitCode.Should().Be(0, "7z must list the archive: {0}", result.All);
        var body = result.StdOut[(result.StdOut.IndexOf("----------", StringComparison.Ordinal) + 10)..];
        return body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(" = ", 2))
                .Where(parts => parts.Length == 2)
                .ToDictionary(parts => parts[0], parts => parts[1]) as IReadOnlyDictionary<string, string>)
            .Where(entry => entry.ContainsKey("Path"))
            .ToList();
    }

    /// <summary>Every file under <paramref name="directory"/>, by path relative to it, with its bytes.</summary>
    public static Dictionary<string, byte[]> ReadTree(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(directory, path), File.ReadAllBytes);
}
