namespace Miraie.SafeMail.Core.Tests.TestSupport;

/// <summary>
/// A read-only seekable stream of CSV-like text that is produced as it is read, so tests can feed tens of
/// megabytes without allocating them. <paramref name="statedLength"/> lets a test make it claim more than it gives,
/// as a file truncated while being read does.
/// </summary>
public sealed class GeneratedStream(long length, Action? afterFirstRead = null, long? statedLength = null) : Stream
{
    private static readonly byte[] Pattern = "12345,山田太郎,見積書,東京都千代田区 1-2,98000,2025-11-27,至急\n"u8.ToArray();
    private long _position;
    private Action? _afterFirstRead = afterFirstRead;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => statedLength ?? length;

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < n; i++)
        {
            buffer[i] = Pattern[(int)((_position + i) % Pattern.Length)];
        }

        _position += n;
        _afterFirstRead?.Invoke();
        _afterFirstRead = null;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
