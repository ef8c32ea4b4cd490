using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>
/// A checksum of a table's rows that does not depend on their order: the sum of every row's SHA-256. The source and the
/// target are read in whatever order each engine returns (their text collations differ), and the two sums must match, as
/// must the counts. Values are hashed as the two providers hand them over, a 32-bit integer widened to 64, so a value
/// changed, truncated or re-encoded on the way shows up.
/// </summary>
internal sealed class RowDigest
{
    private readonly ArrayBufferWriter<byte> _row = new(4096);
    private BigInteger _sum;

    public long Rows { get; private set; }

    public void Add(IReadOnlyList<object?> values)
    {
        foreach (var value in values)
        {
            switch (value)
            {
                case null or DBNull:
                    _row.Write<byte>([0]);
                    break;
                case int or long:
                    BinaryPrimitives.WriteInt64LittleEndian(Tag(1, 8), Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    break;
                case double number:
                    BinaryPrimitives.WriteDoubleLittleEndian(Tag(2, 8), number);
                    break;
                case string text:
                    Sized(3, Encoding.UTF8.GetBytes(text));
                    break;
                case byte[] bytes:
                    Sized(4, bytes);
                    break;
                default:
                    throw new InvalidOperationException($"no digest for a {value.GetType().Name}");
            }
        }

        _sum += new BigInteger(SHA256.HashData(_row.WrittenSpan), isUnsigned: true);
        _row.ResetWrittenCount();
        Rows++;
    }

    public bool SameAs(RowDigest other) => Rows == other.Rows && _sum == other._sum;

    /// <summary>Writes the tag and returns the next <paramref name="length"/> bytes to fill.</summary>
    private Span<byte> Tag(byte tag, int length)
    {
        _row.Write<byte>([tag]);
        var span = _row.GetSpan(length)[..length];
        _row.Advance(length);
        return span;
    }

    private void Sized(byte tag, byte[] bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Tag(tag, 4), bytes.Length);
        _row.Write<byte>(bytes);
    }
}
