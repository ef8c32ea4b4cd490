using System.Collections.Frozen;
using System.Text;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// Finds names that lie about their content (PRODUCT.md, "Disguised"): an extension that claims another kind
/// than the content's (above all an executable under a document name), bidirectional control characters, and
/// document-then-executable double extensions.
/// Names are NFKC-normalised first so full-width dots and letters (<c>見積書．ｐｄｆ.exe</c>) do not slip through.
/// </summary>
public static class DisguiseDetector
{
    /// <summary>Extensions Windows, macOS or a desktop shell will run or install when opened.</summary>
    public static FrozenSet<string> ExecutableExtensions { get; } = new[]
    {
        "exe", "com", "scr", "pif", "dll", "cpl", "ocx", "sys", "drv", "msi", "msp", "mst", "msc", "application", "appref-ms",
        "gadget", "bat", "cmd", "ps1", "psm1", "psd1", "vb", "vbs", "vbe", "js", "jse", "ws", "wsf", "wsh", "wsc", "sct", "hta",
        "jar", "class", "lnk", "url", "reg", "inf", "scf", "sh", "bash", "zsh", "csh", "ksh", "command", "run", "elf", "so",
        "dylib", "app", "appimage", "pkg", "xbap", "py", "pyw", "pl", "rb",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Extensions people take for documents, pictures or archives: the bait in a double extension.</summary>
    public static FrozenSet<string> DocumentExtensions { get; } = new[]
    {
        "pdf", "doc", "docx", "docm", "dot", "dotx", "xls", "xlsx", "xlsm", "xlsb", "csv", "ppt", "pptx", "pptm", "txt", "rtf",
        "odt", "ods", "odp", "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "heic", "webp", "zip", "lzh", "rar", "7z", "gz",
        "tar", "htm", "html", "xml", "mp3", "mp4", "mov", "wav", "avi", "eml", "msg", "ics", "jtd", "xdw", "dwg",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The kinds a document, picture or archive extension may really hold. Generous where real software is: Word
    /// and Excel save RTF and HTML under .doc and .xls, an encrypted .docx is a compound file, a .zip may be OOXML or
    /// ODF, an .odt re-zipped by another tool loses ODF's signature and is a plain zip, a .msg is an Outlook item.
    /// Extensions not listed (and executables, judged apart) claim nothing.
    /// </summary>
    private static readonly FrozenDictionary<string, FileKind[]> ClaimedKinds = BuildClaims();

    private static readonly FrozenSet<char> BidiControls = new[]
    {
        '\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069',
    }.ToFrozenSet();

    /// <summary>How <paramref name="name"/> lies about content of <paramref name="kind"/>, if it does.</summary>
    public static Disguises Detect(string name, FileKind kind)
    {
        var flags = Disguises.None;
        if (name.Any(BidiControls.Contains))
        {
            flags |= Disguises.BidiControl;
        }

        var extensions = Extensions(name);
        var last = extensions.Count > 0 ? extensions[^1] : null;
        if (kind == FileKind.Executable && last is not null && !ExecutableExtensions.Contains(last))
        {
            flags |= Disguises.ExtensionMismatch;
        }
        else if (kind != FileKind.Unknown && last is not null && ClaimedKinds.TryGetValue(last, out var claimed) && !claimed.Contains(kind))
        {
            flags |= Disguises.ExtensionMismatch; // an AES ZIP renamed .pdf to slip past a filter, a PDF named .png
        }

        if (extensions.Count >= 2 && ExecutableExtensions.Contains(last!) && DocumentExtensions.Contains(extensions[^2]))
        {
            flags |= Disguises.DoubleExtension;
        }

        return flags;
    }

    private static FrozenDictionary<string, FileKind[]> BuildClaims()
    {
        var claims = new Dictionary<string, FileKind[]>(StringComparer.Ordinal);
        void Claim(FileKind[] kinds, params string[] extensions)
        {
            foreach (var extension in extensions)
            {
                claims[extension] = kinds;
            }
        }

        Claim([FileKind.Pdf], "pdf");
        Claim([FileKind.Cfb, FileKind.Text], "doc", "dot", "xls", "xlt", "ppt", "pot", "pps", "vsd");
        Claim([FileKind.Message, FileKind.Cfb, FileKind.Text], "msg");
        Claim([FileKind.Ooxml, FileKind.Cfb], "docx", "docm", "dotx", "xlsx", "xlsm", "xltx", "xlsb", "pptx", "pptm", "ppsx", "potx");
        Claim([FileKind.Zip, FileKind.Ooxml, FileKind.Odf], "zip", "odt", "ods", "odp", "odg", "ott", "ots", "otp");
        Claim([FileKind.SevenZip], "7z");
        Claim([FileKind.Rar], "rar");
        Claim([FileKind.Gzip], "gz", "tgz");
        Claim([FileKind.Tar], "tar");
        Claim([FileKind.Lzh], "lzh", "lha");
        Claim([FileKind.Cab], "cab");
        Claim([FileKind.Iso], "iso");
        Claim([FileKind.Image], "jpg", "jpeg", "jpe", "png", "gif", "bmp", "tif", "tiff", "webp", "heic", "heif");
        Claim([FileKind.Text], "txt", "csv", "tsv", "log", "md", "json", "xml", "html", "htm", "rtf", "ics", "vcf", "ini", "yaml", "yml");
        Claim([FileKind.Message, FileKind.Text], "eml");
        Claim([FileKind.Smime], "p7m", "p7s", "p7c");
        Claim([FileKind.OpenPgp], "gpg", "pgp");
        Claim([FileKind.OpenPgp, FileKind.Text], "asc");
        return claims.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The dot-separated extensions of the file name (directories stripped), normalised and lower-cased.</summary>
    internal static IReadOnlyList<string> Extensions(string name)
    {
        var normalised = Strip(name.Normalize(NormalizationForm.FormKC)).ToLowerInvariant();
        var slash = normalised.LastIndexOfAny(['/', '\\']);
        var fileName = normalised[(slash + 1)..].TrimEnd(' ', '.');
        var parts = fileName.Split('.');
        return parts.Length <= 1 ? [] : parts.Skip(1).Select(p => p.Trim()).Where(p => p.Length > 0).ToArray();
    }

    private static string Strip(string name) => new(name.Where(c => !BidiControls.Contains(c) && c != '\u200B' && c != '\uFEFF').ToArray());
}
