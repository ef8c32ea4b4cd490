using System.Text;
using System.Text.RegularExpressions;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// Reads the encryption dictionary's /Filter, /V, /R and crypt filter method straight from the bytes, to name the
/// algorithm in reasons ("AES-256", "RC4 40-bit") when PdfPig refuses to open the file. Descriptive only: whether
/// a PDF is protected is decided by <see cref="PdfInspector"/>, except that a non-standard /Filter is never trusted.
/// </summary>
internal static partial class PdfEncryptionScanner
{
    private const int MaxScanBytes = 64 * 1024 * 1024;

    public sealed record Description(string Filter, string Algorithm);

    public static Description? Describe(Stream stream)
    {
        if (stream.Length > MaxScanBytes)
        {
            return null;
        }

        stream.Position = 0;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var text = Encoding.Latin1.GetString(bytes);

        var reference = EncryptReference().Matches(text).LastOrDefault();
        if (reference is null)
        {
            return null;
        }

        var objectStart = Regex.Match(text, $@"(?<![0-9]){reference.Groups[1].Value}\s+{reference.Groups[2].Value}\s+obj\b", RegexOptions.None, TimeSpan.FromSeconds(1));
        if (!objectStart.Success)
        {
            return null;
        }

        var end = text.IndexOf("endobj", objectStart.Index, StringComparison.Ordinal);
        var body = text[objectStart.Index..(end > 0 ? end : Math.Min(text.Length, objectStart.Index + 4096))];
        var filter = FilterName().Match(body) is { Success: true } f ? f.Groups[1].Value : "?";
        var v = Number(VersionKey().Match(body));
        var r = Number(RevisionKey().Match(body));
        var algorithm = (v, r) switch
        {
            (_, 2) => "RC4 40-bit",
            (_, 3) => "RC4 128-bit",
            (_, 4) => body.Contains("/AESV2", StringComparison.Ordinal) ? "AES-128" : "RC4 128-bit",
            (_, 5) => "AES-256 (R5)",
            (_, 6) => "AES-256",
            _ => $"V{v} R{r}",
        };
        return new Description(filter, algorithm);
    }

    private static int Number(Match match) => match.Success && int.TryParse(match.Groups[1].Value, out var n) ? n : 0;

    [GeneratedRegex(@"/Encrypt\s+(\d+)\s+(\d+)\s+R", RegexOptions.None, 1000)]
    private static partial Regex EncryptReference();

    [GeneratedRegex(@"/Filter\s*/([A-Za-z0-9.#_-]+)", RegexOptions.None, 1000)]
    private static partial Regex FilterName();

    [GeneratedRegex(@"/V\s+(\d+)", RegexOptions.None, 1000)]
    private static partial Regex VersionKey();

    [GeneratedRegex(@"/R\s+(\d+)", RegexOptions.None, 1000)]
    private static partial Regex RevisionKey();
}
