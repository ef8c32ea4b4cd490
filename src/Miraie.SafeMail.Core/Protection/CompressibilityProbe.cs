using System.IO.Compression;

namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// Decides from a file's first bytes whether deflating it is worth the time. Already-compressed formats (ZIP and
/// so OOXML/ODF, 7z, RAR, gzip, bzip2, xz, zstd, JPEG, PNG, GIF, WebP, MP4/HEIC, MP3, CAB, PDF) are recognised by
/// their signature; anything else is trial-compressed with zlib's fastest level, and stored when that saves less
/// than <see cref="MinimumSaving"/>, which catches random and encrypted data whatever its name says.
/// </summary>
internal static class CompressibilityProbe
{
    /// <summary>How much of the start of a file is examined: enough for a trustworthy ratio, under a millisecond.</summary>
    internal const int SampleSize = 64 * 1024;

    /// <summary>Fraction of the sample that fastest deflate must save for compression to be chosen.</summary>
    internal const double MinimumSaving = 0.05;

    private static readonly byte[][] SignaturesAtStart =
    [
        "PK\u0003\u0004"u8.ToArray(), // ZIP, and so docx/xlsx/pptx, odt, jar, apk
        "PK\u0005\u0006"u8.ToArray(), // empty ZIP
        "PK\u0007\u0008"u8.ToArray(), // spanned ZIP
        [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], // 7z
        "Rar!\u001A\u0007"u8.ToArray(), // RAR 4 and 5
        [0x1F, 0x8B], // gzip
        "BZh"u8.ToArray(), // bzip2
        [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], // xz
        [0x28, 0xB5, 0x2F, 0xFD], // zstd
        [0xFF, 0xD8, 0xFF], // JPEG
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], // PNG
        "GIF8"u8.ToArray(), // GIF
        "%PDF-"u8.ToArray(), // PDF: its streams are deflated already
        "MSCF"u8.ToArray(), // CAB
        "ID3"u8.ToArray(), // MP3 with ID3 tag
    ];

    /// <summary>True when <paramref name="head"/>, the start of a file, should be stored rather than deflated.</summary>
    internal static bool ShouldStore(ReadOnlySpan<byte> head) =>
        HasCompressedFormatSignature(head) || !DeflateSaves(head[..Math.Min(head.Length, SampleSize)]);

    internal static bool HasCompressedFormatSignature(ReadOnlySpan<byte> head)
    {
        foreach (var signature in SignaturesAtStart)
        {
            if (head.StartsWith(signature))
            {
                return true;
            }
        }

        // RIFF....WEBP, and ISO media (MP4, MOV, HEIC, M4A): "ftyp" at offset 4.
        return (head.StartsWith("RIFF"u8) && head.Length >= 12 && head[8..12].SequenceEqual("WEBP"u8))
            || (head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8));
    }

    private static bool DeflateSaves(ReadOnlySpan<byte> sample)
    {
        if (sample.IsEmpty)
        {
            return false;
        }

        var counter = new ByteCounter();
        using (var deflate = new DeflateStream(counter, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(sample);
        }

        return counter.Count <= sample.Length * (1 - MinimumSaving);
    }

    /// <summary>A write-only sink that keeps the count, not the bytes.</summary>
    private sealed class ByteCounter : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position
        {
            get => Count;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Count += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
