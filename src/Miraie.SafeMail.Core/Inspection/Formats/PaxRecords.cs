using System.Globalization;
using System.Text;

namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// The pax extended-header keywords the inspector uses: <c>path</c> and <c>size</c> (POSIX), and GNU tar's sparse
/// keywords (<c>GNU.sparse.major/minor/name/realsize/size</c>, the 0.0 <c>offset</c>/<c>numbytes</c> pairs and the 0.1
/// <c>map</c>). Records are "LEN KEY=VALUE\n" with LEN counting the whole record; a record that does not add up makes
/// the archive corrupt, as GNU tar says "Malformed extended header".
/// </summary>
internal sealed class PaxRecords
{
    public string? Path { get; private set; }
    public long? Size { get; private set; }
    public string? SparseMajor { get; private set; }
    public string? SparseMinor { get; private set; }
    public string? SparseName { get; private set; }
    public long? SparseRealSize { get; private set; }
    public List<SparseChunk>? SparseMap { get; private set; }

    /// <summary>Parses one header's records on top of <paramref name="inherited"/> (global records, or an earlier 'x').</summary>
    public static PaxRecords Parse(ReadOnlySpan<byte> data, PaxRecords? inherited)
    {
        var records = inherited?.Copy() ?? new PaxRecords();
        long? pendingOffset = null;
        while (!data.IsEmpty)
        {
            if (data[0] == 0)
            {
                break; // padding after the last record
            }

            var space = data.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(data[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space + 1 || length > data.Length || data[length - 1] != (byte)'\n')
            {
                throw new InvalidDataException("a malformed pax extended header");
            }

            var record = data[(space + 1)..(length - 1)];
            data = data[length..];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw new InvalidDataException("a malformed pax extended header");
            }

            var key = Encoding.UTF8.GetString(record[..equals]);
            var value = record[(equals + 1)..];
            switch (key)
            {
                case "path":
                    // UTF-8 by the standard; raw bytes under hdrcharset=BINARY, decoded like every other archive name.
                    records.Path = ZipDirectory.DecodeName(value, utf8Flag: false);
                    break;
                case "size":
                    records.Size = Number(value);
                    break;
                case "GNU.sparse.major":
                    records.SparseMajor = Encoding.ASCII.GetString(value);
                    break;
                case "GNU.sparse.minor":
                    records.SparseMinor = Encoding.ASCII.GetString(value);
                    break;
                case "GNU.sparse.name":
                    records.SparseName = ZipDirectory.DecodeName(value, utf8Flag: false);
                    break;
                case "GNU.sparse.realsize" or "GNU.sparse.size":
                    records.SparseRealSize = Number(value);
                    break;
                case "GNU.sparse.offset":
                    pendingOffset = Number(value);
                    break;
                case "GNU.sparse.numbytes":
                    var offset = pendingOffset ?? throw new InvalidDataException("a sparse numbytes record without its offset");
                    (records.SparseMap ??= []).Add(new SparseChunk(offset, Number(value)));
                    pendingOffset = null;
                    break;
                case "GNU.sparse.map":
                    records.SparseMap = Map(value);
                    break;
            }
        }

        return records;
    }

    private PaxRecords Copy() => new()
    {
        Path = Path,
        Size = Size,
        SparseMajor = SparseMajor,
        SparseMinor = SparseMinor,
        SparseName = SparseName,
        SparseRealSize = SparseRealSize,
        SparseMap = SparseMap is null ? null : [.. SparseMap],
    };

    private static long Number(ReadOnlySpan<byte> value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new InvalidDataException("a pax number is not a number");

    /// <summary>GNU sparse 0.1: "offset,size,offset,size,…".</summary>
    private static List<SparseChunk> Map(ReadOnlySpan<byte> value)
    {
        var numbers = new List<long>();
        foreach (var range in value.Split((byte)','))
        {
            numbers.Add(Number(value[range]));
            if (numbers.Count > 200_000)
            {
                throw new InvalidDataException("a sparse map with too many entries");
            }
        }

        if (numbers.Count % 2 != 0)
        {
            throw new InvalidDataException("a sparse map with an odd number of values");
        }

        return [.. Enumerable.Range(0, numbers.Count / 2).Select(i => new SparseChunk(numbers[2 * i], numbers[(2 * i) + 1]))];
    }
}
