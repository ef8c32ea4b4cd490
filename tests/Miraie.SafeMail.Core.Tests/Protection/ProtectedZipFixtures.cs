using Miraie.SafeMail.Core.Protection;
using Miraie.SafeMail.Core.Tests.TestSupport;

namespace Miraie.SafeMail.Core.Tests.Protection;

/// <summary>The attachments a Japanese office would send, and a way to zip them the way each test needs.</summary>
internal static class ProtectedZipFixtures
{
    public const string Password = "Kx7mPq2RtVw9Hn4B";

    /// <summary>
    /// Japanese names, names with spaces, an empty file, a multi-MB file, already-compressed and random content.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, byte[]> Attachments = new Dictionary<string, byte[]>
    {
        ["見積書.xlsx"] = SampleContent.XlsxLikeZip(),
        ["顧客一覧.csv"] = SampleContent.CsvText(200_000),
        ["議事録 2025年 第3回.txt"] = "第3回 定例会議\n出席者: 山田、佐藤\n"u8.ToArray(),
        ["空のファイル.txt"] = [],
        ["large report.csv"] = SampleContent.CsvText(6_000_000, seed: 3),
        ["random.bin"] = SampleContent.RandomBytes(3_000_000),
    };

    /// <summary>
    /// Writes <see cref="Attachments"/> into <paramref name="archivePath"/>, through a non-seekable output and/or
    /// from non-seekable inputs when asked.
    /// </summary>
    public static IReadOnlyList<ProtectedZipEntry> Write(
        string archivePath,
        ZipEncryption encryption,
        bool nonSeekableOutput = false,
        bool nonSeekableInputs = false,
        IReadOnlyDictionary<string, byte[]>? attachments = null,
        string password = Password)
    {
        var inputs = (attachments ?? Attachments).Select(pair =>
        {
            Stream content = new MemoryStream(pair.Value, writable: false);
            if (nonSeekableInputs)
            {
                content = new NonSeekableStream(content);
            }

            return ProtectedZipInput.FromStream(pair.Key, content);
        }).ToList();

        using var file = File.Create(archivePath);
        using var output = nonSeekableOutput ? new NonSeekableStream(file) : (Stream)file;
        var writer = new ProtectedZipWriter(new ProtectedZipOptions { Encryption = encryption });
        return writer.Write(output, password, inputs);
    }
}
