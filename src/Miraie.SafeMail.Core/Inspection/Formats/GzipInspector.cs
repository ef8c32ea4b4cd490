using System.IO.Compression;
using System.Text;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>gzip is a transparent wrapper: the single member inside decides (a .tar.gz is a tar inside).</summary>
internal static class GzipInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, NodeSite site, ContentInspector inspector)
    {
        var innerName = StoredName(content.Head) ?? InnerName(site.Name);
        var meter = new ExpansionMeter(inspector.Context, content.Length);
        var child = await inspector.ExpandAsync(
            () => new GZipStream(content.OpenRead(), CompressionMode.Decompress),
            site.Child(innerName),
            statedSize: 0,
            meter).ConfigureAwait(false);
        return Assessment.Transparent(FileKind.Gzip, [child]);
    }

    private static string InnerName(string name)
    {
        var fileName = Path.GetFileName(name);
        if (fileName.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
        {
            return fileName[..^4] + ".tar";
        }

        return fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) && fileName.Length > 3 ? fileName[..^3] : fileName + ".content";
    }

    /// <summary>The original file name gzip stored in its header (FNAME, ISO-8859-1), if any.</summary>
    private static string? StoredName(byte[] head)
    {
        if (head.Length < 10 || (head[3] & 0x08) == 0)
        {
            return null;
        }

        var offset = 10;
        if ((head[3] & 0x04) != 0)
        {
            if (head.Length < 12)
            {
                return null;
            }

            offset += 2 + (head[10] | (head[11] << 8));
        }

        var end = offset < head.Length ? Array.IndexOf(head, (byte)0, offset) : -1;
        if (end <= offset)
        {
            return null;
        }

        // RFC 1952 says ISO-8859-1, but gzip on Linux and macOS stores the file name's bytes as they are: UTF-8.
        var bytes = head.AsSpan(offset, end - offset);
        return System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
    }
}
