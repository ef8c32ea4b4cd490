using System.Security.Cryptography;
using Microsoft.IO;

namespace Miraie.SafeMail.Core.Inspection;

/// <summary>
/// A write-only stream that collects bytes in memory and moves them to a private temporary file (mode 0600,
/// deleted on close) once they pass <see cref="ContentBuffer.MemoryThreshold"/>. MimeKit decodes into it.
/// In memory, the bytes go into pooled 64 KiB blocks (Microsoft.IO.RecyclableMemoryStream): a growing MemoryStream
/// allocated every doubling, and from 128 KiB on one large-object-heap array per attachment, which under load meant a
/// full (gen-2) collection every few messages (measured on the relay, docs/benchmarks.md).
/// </summary>
internal sealed class ContentBufferWriter(bool hash = false) : Stream
{
    private static readonly RecyclableMemoryStreamManager Blocks = new(new RecyclableMemoryStreamManager.Options
    {
        BlockSize = 64 * 1024, // under the large-object heap's 85,000 bytes
        LargeBufferMultiple = 1024 * 1024,
        MaximumBufferSize = ContentBuffer.MemoryThreshold,
        MaximumSmallPoolFreeBytes = 64L * 1024 * 1024, // what the pool keeps for the next messages; the rest goes to the GC
        MaximumLargePoolFreeBytes = 16L * 1024 * 1024,
    });

    private readonly IncrementalHash? _sha256 = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    private MemoryStream? _memory = Blocks.GetStream("inspection");
    private FileStream? _file;
    private bool _handedOver;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Target.Length;
    public override long Position { get => Target.Position; set => throw new NotSupportedException(); }

    private Stream Target => (Stream?)_file ?? _memory ?? throw new ObjectDisposedException(nameof(ContentBufferWriter));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        SpillIfNeeded(buffer.Length);
        _sha256?.AppendData(buffer);
        Target.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        SpillIfNeeded(buffer.Length);
        _sha256?.AppendData(buffer.Span);
        await Target.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SHA-256 (lower-case hex) of everything written, when created with hashing; computed as bytes arrive.</summary>
    public string? Sha256Hex => _sha256 is null ? null : Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Hands the collected bytes over as a seekable buffer; the writer is done after this.</summary>
    public ContentBuffer ToBuffer()
    {
        var target = Target;
        target.Flush();
        _handedOver = true;
        if (_file is not null)
        {
            _memory?.Dispose();
        }

        return ContentBuffer.Adopt(target);
    }

    private void SpillIfNeeded(int incoming)
    {
        if (_file is null && _memory!.Length + incoming > ContentBuffer.MemoryThreshold)
        {
            var path = Path.Combine(Path.GetTempPath(), "safemail-" + Guid.NewGuid().ToString("N") + ".tmp");
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                Options = FileOptions.DeleteOnClose,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // nobody else may read a decoded attachment
            }

            _file = new FileStream(path, options);
            _memory.Position = 0;
            _memory.CopyTo(_file);
            _memory.Dispose();
            _memory = null;
        }
    }

    public override void Flush() => Target.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256?.Dispose();
            if (!_handedOver)
            {
                _memory?.Dispose();
                _file?.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
