using System.Text;

namespace Miraie.SafeMail.Benchmarks;

/// <summary>Deterministic benchmark inputs, so that every run and every machine compresses the same bytes.</summary>
internal static class InputGenerators
{
    private static readonly string[] Names = ["山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲", "Tanaka Ken", "John Smith", "伊藤健太", "渡辺さくら"];
    private static readonly string[] Items = ["見積書", "請求書", "納品書", "Invoice", "Purchase order", "契約書", "発注書"];
    private static readonly string[] Places = ["東京都千代田区", "大阪府大阪市北区", "愛知県名古屋市中区", "Fukuoka", "札幌市中央区"];

    /// <summary>Pseudo-random bytes (fixed seed): as incompressible as encrypted data.</summary>
    internal static void WriteRandom(Stream output, long bytes)
    {
        var random = new Random(42);
        var buffer = new byte[1 << 20];
        for (var left = bytes; left > 0; left -= buffer.Length)
        {
            random.NextBytes(buffer);
            output.Write(buffer, 0, (int)Math.Min(left, buffer.Length));
        }
    }

    /// <summary>
    /// A CSV-like customer list in Japanese and English (fixed seed), cut at exactly <paramref name="bytes"/>.
    /// Deflate shrinks it about 5:1, as it does real business text.
    /// </summary>
    internal static void WriteText(Stream output, long bytes)
    {
        var random = new Random(7);
        var line = new StringBuilder();
        var encoded = new byte[4096];
        var written = 0L;
        for (var id = 1; written < bytes; id++)
        {
            line.Clear()
                .Append(id).Append(',').Append(Names[random.Next(Names.Length)]).Append(',')
                .Append(Items[random.Next(Items.Length)]).Append(',').Append(Places[random.Next(Places.Length)]).Append(' ')
                .Append(random.Next(1, 40)).Append('-').Append(random.Next(1, 20)).Append(',')
                .Append(random.Next(1000, 9_999_999)).Append(",2025-")
                .Append(random.Next(1, 13).ToString("00", null)).Append('-').Append(random.Next(1, 29).ToString("00", null)).Append(',')
                .Append(random.Next(4) == 0 ? "至急対応お願いします" : random.Next(3) == 0 ? "Please confirm by Friday" : string.Empty)
                .Append('\n');
            var length = Encoding.UTF8.GetBytes(line.ToString(), encoded);
            var take = (int)Math.Min(length, bytes - written);
            output.Write(encoded, 0, take);
            written += take;
        }
    }
}
