using System.IO.Compression;
using System.Text;

namespace Miraie.SafeMail.Core.Tests.TestSupport;

/// <summary>Deterministic file contents that look like what people attach: CSV text, random bytes, a real xlsx-like ZIP.</summary>
public static class SampleContent
{
    /// <summary>Japanese/English CSV-like text of about <paramref name="bytes"/> bytes (UTF-8), the same for a given seed.</summary>
    public static byte[] CsvText(int bytes, int seed = 1)
    {
        var random = new Random(seed);
        string[] names = ["山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲", "Tanaka Ken", "John Smith"];
        string[] items = ["見積書", "請求書", "納品書", "Invoice", "契約書"];
        var text = new StringBuilder("id,顧客名,品目,金額,日付,備考\n");
        var line = new StringBuilder();
        var length = Encoding.UTF8.GetByteCount(text.ToString());
        for (var id = 1; length < bytes; id++)
        {
            line.Clear().Append(id).Append(',').Append(names[random.Next(names.Length)]).Append(',')
                .Append(items[random.Next(items.Length)]).Append(',').Append(random.Next(1000, 9_999_999)).Append(',')
                .Append("2025-").Append(random.Next(1, 13).ToString("00", null)).Append('-').Append(random.Next(1, 29).ToString("00", null))
                .Append(',').Append(random.Next(3) == 0 ? "至急対応お願いします" : "Please confirm").Append('\n');
            text.Append(line);
            length += Encoding.UTF8.GetByteCount(line.ToString());
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Bytes that no compressor can shrink, the same for a given seed.</summary>
    public static byte[] RandomBytes(int bytes, int seed = 2)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>A real ZIP container holding an XML part, as an .xlsx is.</summary>
    public static byte[] XlsxLikeZip()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var part = zip.CreateEntry("xl/worksheets/sheet1.xml");
            using var writer = new StreamWriter(part.Open(), Encoding.UTF8);
            writer.Write("<worksheet>" + string.Concat(Enumerable.Range(1, 500).Select(i => $"<row r=\"{i}\"><c><v>{i * 7}</v></c></row>")) + "</worksheet>");
        }

        return buffer.ToArray();
    }
}
