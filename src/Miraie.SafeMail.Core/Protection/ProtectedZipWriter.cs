using System.Buffers;
using ICSharpCode.SharpZipLib.Checksum;
using ICSharpCode.SharpZipLib.Zip;

namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// Writes a password-protected ZIP: WinZip AES-256 by default, ZipCrypto when asked. Built on SharpZipLib's
/// <see cref="ZipOutputStream"/>, which meets the speed targets against 7-Zip (ADR-002), and tuned so the result
/// opens cleanly in 7-Zip, Windows Explorer (ZipCrypto) and Info-ZIP unzip:
/// <list type="bullet">
/// <item>names are cleaned (<see cref="EntryNameSanitizer"/>), de-duplicated, and written as UTF-8 with the UTF-8
/// flag and a Unix "made by" with mode 0644, or unzip shows mojibake and mode 0000;</item>
/// <item>content that would not shrink is stored, judged from its first 64 KB (<see cref="CompressibilityProbe"/>);</item>
/// <item>sizes (and, for ZipCrypto, the CRC) are put in the local header when the input can tell them, so
/// entries need no data descriptor where the output or input allows it — streaming readers, and SharpCompress's
/// <c>ZipArchive</c>, which rejects AES entries that have one, depend on that;</item>
/// <item>every input is copied in chunks: memory use does not grow with file size.</item>
/// </list>
/// The work is CPU-bound and synchronous; the output must accept synchronous writes (a <see cref="FileStream"/>
/// or <see cref="MemoryStream"/> — spool to one before sending over a network stream).
/// </summary>
public sealed class ProtectedZipWriter
{
    private const int CopyBufferSize = 80 * 1024;
    private const int OutputBufferSize = 64 * 1024;
    private const int AesKeyBits = 256;

    /// <summary>Unix "regular file, rw-r--r--" (0100644) in the high half of the external attributes.</summary>
    private const int UnixRegularFileAttributes = unchecked((int)0x81A4_0000);

    private static readonly DateTime UnixEpoch = DateTime.UnixEpoch;
    private static readonly DateTime LastUnixTime32 = new(2038, 1, 19, 3, 14, 7, DateTimeKind.Utc);

    private readonly ProtectedZipOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;

    /// <summary>Creates a writer.</summary>
    /// <param name="options">Encryption, compression level and time zone; defaults when <c>null</c>.</param>
    /// <param name="timeProvider">Clock for inputs without a modification time; the system clock when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public ProtectedZipWriter(ProtectedZipOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new ProtectedZipOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _zone = _options.TimeZoneId is { } zoneId ? TimeZoneInfo.FindSystemTimeZoneById(zoneId) : _time.LocalTimeZone;
    }

    /// <summary>
    /// Writes one ZIP holding <paramref name="inputs"/>, in order, encrypted with <paramref name="password"/>,
    /// from <paramref name="output"/>'s current position. The output is left open. All names are checked before
    /// the first byte is written.
    /// </summary>
    /// <returns>The entries as written: final names, sizes, and whether each was stored.</returns>
    /// <exception cref="ProtectionException">No inputs, a name with nothing usable left, or an unusable password.</exception>
    public IReadOnlyList<ProtectedZipEntry> Write(
        Stream output, string password, IEnumerable<ProtectedZipInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream must be writable.", nameof(output));
        }

        CheckPassword(password);
        var planned = PlanNames(inputs);

        var entries = new List<ProtectedZipEntry>(planned.Count);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        var zip = new ZipOutputStream(output, OutputBufferSize)
        {
            IsStreamOwner = false,
            Password = password,
            NameTransform = null, // names are cleaned here; SharpZipLib's transform would rewrite them again
        };
        try
        {
            zip.SetLevel(_options.CompressionLevel);
            foreach (var (input, name) in planned)
            {
                cancellationToken.ThrowIfCancellationRequested();
                entries.Add(WriteEntry(zip, output.CanSeek, input, name, buffer, cancellationToken));
            }

            zip.Finish();
        }
        catch
        {
            Abandon(zip);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        zip.Dispose();
        return entries;
    }

    /// <summary>
    /// Releases a half-written archive. Disposing a <see cref="ZipOutputStream"/> tries to finish the open entry,
    /// which fails on its size check and would hide the original error; the output is garbage either way, and the
    /// caller discards it.
    /// </summary>
    private static void Abandon(ZipOutputStream zip)
    {
        try
        {
            zip.Dispose();
        }
        catch (Exception)
        {
            // Deliberately ignored: the exception being propagated says what went wrong.
        }
    }

    private static void CheckPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length == 0)
        {
            throw new ProtectionException(ProtectionMessages.EmptyPassword);
        }

        // AES keys come from the password's UTF-8 bytes and ZipCrypto's from a code page: outside printable ASCII,
        // 7-Zip, Windows and unzip disagree on the key and the ZIP cannot be opened.
        if (password.Any(c => c is < ' ' or > '~'))
        {
            throw new ProtectionException(ProtectionMessages.NonAsciiPassword);
        }
    }

    private static List<(ProtectedZipInput Input, string Name)> PlanNames(IEnumerable<ProtectedZipInput> inputs)
    {
        var names = new UniqueEntryNames();
        var planned = new List<(ProtectedZipInput, string)>();
        foreach (var input in inputs)
        {
            ArgumentNullException.ThrowIfNull(input, nameof(inputs));
            var clean = EntryNameSanitizer.Sanitize(input.Name) ?? throw new ProtectionException(ProtectionMessages.UnusableFileName);
            planned.Add((input, names.Reserve(clean)));
        }

        return planned.Count > 0 ? planned : throw new ProtectionException(ProtectionMessages.NoFiles);
    }

    private ProtectedZipEntry WriteEntry(
        ZipOutputStream zip, bool outputCanSeek, ProtectedZipInput input, string name, byte[] buffer, CancellationToken cancellationToken)
    {
        var content = input.Open(out var owned);
        try
        {
            var start = content.CanSeek ? content.Position : -1;
            long? length = content.CanSeek ? content.Length - start : null;
            var headLength = content.ReadAtLeast(buffer.AsSpan(0, CompressibilityProbe.SampleSize), CompressibilityProbe.SampleSize, throwOnEndOfStream: false);
            var store = CompressibilityProbe.ShouldStore(buffer.AsSpan(0, headLength));

            var entry = NewEntry(name, input.LastModified ?? _time.GetUtcNow(), store);
            if (length is { } size)
            {
                entry.Size = size;
                if (store)
                {
                    // With size and CRC known, a stored entry stays stored even on a non-seekable output
                    // (otherwise SharpZipLib turns it into level-0 deflate there).
                    entry.CompressedSize = size;
                }
            }

            if (_options.Encryption == ZipEncryption.Aes256)
            {
                // AE-2 records no CRC (the HMAC authenticates instead). Saying so up front lets SharpZipLib write
                // the sizes into the local header rather than a data descriptor after the data.
                entry.Crc = 0;
            }
            else if (length is not null && (store || outputCanSeek))
            {
                // ZipCrypto's check byte and the local header want the CRC before the data; with a seekable input
                // one extra read pass gives it, and readers then need no data descriptor. Not for a deflated entry
                // on a non-seekable output: that one gets a descriptor anyway, and then readers expect the check
                // byte from the time, which SharpZipLib writes only while the CRC is unknown.
                if (headLength < length)
                {
                    entry.Crc = Crc32Of(content, start, buffer, cancellationToken);
                    content.Position = start;
                    headLength = 0; // the CRC pass reused the buffer: copy everything again from the start
                }
                else
                {
                    entry.Crc = Crc32Of(buffer, headLength);
                }
            }

            // An unknown length would make SharpZipLib force Zip64 headers that some unzip tools trip over; mail
            // attachments are far below the 4 GiB that needs them.
            zip.UseZip64 = length is null ? UseZip64.Off : UseZip64.Dynamic;
            zip.PutNextEntry(entry);
            zip.Write(buffer, 0, headLength);
            int read;
            while ((read = content.Read(buffer, 0, CopyBufferSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                zip.Write(buffer, 0, read);
            }

            zip.CloseEntry();
            return new ProtectedZipEntry(entry.Name, input.Name, entry.Size, entry.CompressionMethod == CompressionMethod.Stored);
        }
        finally
        {
            if (owned)
            {
                content.Dispose();
            }
        }
    }

    private ZipEntry NewEntry(string name, DateTimeOffset modified, bool store)
    {
        var entry = new ZipEntry(name)
        {
            IsUnicodeText = true,
            HostSystem = (int)HostSystemID.Unix,
            ExternalFileAttributes = UnixRegularFileAttributes,
            DateTime = TimeZoneInfo.ConvertTime(modified, _zone).DateTime,
            AESKeySize = _options.Encryption == ZipEncryption.Aes256 ? AesKeyBits : 0,
            CompressionMethod = store ? CompressionMethod.Stored : CompressionMethod.Deflated,
        };

        // The MS-DOS time has no zone; an "extended timestamp" (UT) field gives 7-Zip and unzip the exact UTC time.
        var utc = modified.UtcDateTime;
        if (utc >= UnixEpoch && utc <= LastUnixTime32)
        {
            var extra = new ZipExtraData();
            extra.AddEntry(new ExtendedUnixData { ModificationTime = utc, Include = ExtendedUnixData.Flags.ModificationTime });
            entry.ExtraData = extra.GetEntryData();
        }

        return entry;
    }

    private static long Crc32Of(Stream content, long start, byte[] buffer, CancellationToken cancellationToken)
    {
        content.Position = start;
        var crc = new Crc32();
        int read;
        while ((read = content.Read(buffer, 0, CopyBufferSize)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            crc.Update(new ArraySegment<byte>(buffer, 0, read));
        }

        return crc.Value;
    }

    private static long Crc32Of(byte[] buffer, int count)
    {
        var crc = new Crc32();
        crc.Update(new ArraySegment<byte>(buffer, 0, count));
        return crc.Value;
    }
}
