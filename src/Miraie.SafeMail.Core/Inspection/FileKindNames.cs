using System.Collections.Frozen;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>The names kinds have in settings, JSON and the console: <c>pdf</c>, <c>ooxml</c>, <c>7z</c> …</summary>
public static class FileKindNames
{
    private static readonly FrozenDictionary<FileKind, string> Names = new Dictionary<FileKind, string>
    {
        [FileKind.Unknown] = "unknown",
        [FileKind.Pdf] = "pdf",
        [FileKind.Ooxml] = "ooxml",
        [FileKind.Cfb] = "cfb",
        [FileKind.Zip] = "zip",
        [FileKind.SevenZip] = "7z",
        [FileKind.Rar] = "rar",
        [FileKind.Gzip] = "gzip",
        [FileKind.Tar] = "tar",
        [FileKind.Image] = "image",
        [FileKind.Text] = "text",
        [FileKind.Executable] = "executable",
        [FileKind.Tnef] = "tnef",
        [FileKind.Message] = "message",
        [FileKind.Lzh] = "lzh",
        [FileKind.Cab] = "cab",
        [FileKind.Iso] = "iso",
        [FileKind.Odf] = "odf",
        [FileKind.Smime] = "smime",
        [FileKind.OpenPgp] = "openpgp",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, FileKind> Kinds =
        Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every valid name, in the order of the specification.</summary>
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<FileKind>().Select(k => Names[k]).ToArray();

    /// <summary>The setting name of <paramref name="kind"/>.</summary>
    public static string Name(FileKind kind) => Names[kind];

    /// <summary>Parses a setting name, case-insensitively.</summary>
    public static bool TryParse(string? name, out FileKind kind) => Kinds.TryGetValue(name?.Trim() ?? "", out kind);
}
