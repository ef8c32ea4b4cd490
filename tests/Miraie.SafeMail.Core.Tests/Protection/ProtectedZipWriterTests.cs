using Miraie.SafeMail.Core.Protection;
using Miraie.SafeMail.Core.Tests.TestSupport;
using SharpCompress.Archives;
using SharpCompress.Readers;
using static Miraie.SafeMail.Core.Tests.Protection.ProtectedZipFixtures;

namespace Miraie.SafeMail.Core.Tests.Protection;

[TestFixture]
public sealed class ProtectedZipWriterTests
{
    private static readonly DateTimeOffset MeetingTime = new(2024, 3, 5, 10, 20, 30, TimeSpan.FromHours(9));

    private TempDirectory _temp = null!;

    [SetUp]
    public void CreateTempDirectory() => _temp = new TempDirectory();

    [TearDown]
    public void DeleteTempDirectory() => _temp.Dispose();

    [Test]
    public void No_files_is_refused_with_a_message_in_japanese_and_english()
    {
        using var output = new MemoryStream();

        var write = () => new ProtectedZipWriter().Write(output, Password, []);

        var error = write.Should().Throw<ProtectionException>().Which;
        error.UserMessage.Ja.Should().Contain("添付ファイルがありません");
        error.UserMessage.En.Should().Contain("no attachments");
        output.Length.Should().Be(0);
    }

    [Test]
    public void A_name_with_nothing_usable_is_refused_before_anything_is_written()
    {
        using var output = new MemoryStream();
        var inputs = new[] { Input("見積書.xlsx", "x"u8.ToArray()), Input("../", "y"u8.ToArray()) };

        var write = () => new ProtectedZipWriter().Write(output, Password, inputs);

        var error = write.Should().Throw<ProtectionException>().Which;
        error.UserMessage.Ja.Should().Contain("ファイル名");
        error.UserMessage.En.Should().Contain("file name");
        output.Length.Should().Be(0);
    }

    [TestCase("", "パスワードが空", "password is empty")]
    [TestCase("パスワード1234", "半角", "ASCII")]
    [TestCase("tab\tinside", "半角", "ASCII")]
    public void Unusable_passwords_are_refused(string password, string japanese, string english)
    {
        using var output = new MemoryStream();

        var write = () => new ProtectedZipWriter().Write(output, password, [Input("a.txt", "a"u8.ToArray())]);

        var error = write.Should().Throw<ProtectionException>().Which;
        error.UserMessage.Ja.Should().Contain(japanese);
        error.UserMessage.En.Should().Contain(english);
    }

    [Test]
    public void More_entries_than_a_zip_without_zip64_holds_are_refused_before_anything_is_written()
    {
        using var output = new MemoryStream();
        var inputs = Enumerable.Range(0, 65_536).Select(i => ProtectedZipInput.FromFile($"/nonexistent/{i}.txt"));

        var write = () => new ProtectedZipWriter().Write(output, Password, inputs);

        var error = write.Should().Throw<ProtectionException>().Which;
        error.UserMessage.Ja.Should().Contain("65,535");
        error.UserMessage.En.Should().Contain("65,535");
        output.Length.Should().Be(0);
    }

    [TestCase(ZipEncryption.Aes256)]
    [TestCase(ZipEncryption.ZipCrypto)]
    public void An_input_shorter_than_its_stated_length_is_refused(ZipEncryption encryption)
    {
        using var output = new MemoryStream();
        var liar = new GeneratedStream(200_000, statedLength: 300_000);

        var write = () => new ProtectedZipWriter(new ProtectedZipOptions { Encryption = encryption })
            .Write(output, Password, [ProtectedZipInput.FromStream("変わるファイル.csv", liar)]);

        write.Should().Throw<IOException>().WithMessage("*変わるファイル.csv*changed*");
    }

    [Test]
    public void Invalid_options_name_the_setting()
    {
        var badLevel = () => new ProtectedZipWriter(new ProtectedZipOptions { CompressionLevel = 0 });
        var badZone = () => new ProtectedZipWriter(new ProtectedZipOptions { TimeZoneId = "Mars/Olympus_Mons" });
        var badEncryption = () => new ProtectedZipWriter(new ProtectedZipOptions { Encryption = (ZipEncryption)7 });

        badLevel.Should().Throw<ArgumentException>().WithMessage("*SafeMail:Protection:Zip:CompressionLevel*");
        badZone.Should().Throw<ArgumentException>().WithMessage("*SafeMail:Protection:Zip:TimeZoneId*");
        badEncryption.Should().Throw<ArgumentException>().WithMessage("*SafeMail:Protection:Zip:Encryption*");
    }

    [Test]
    public void Entries_report_cleaned_unique_names_sizes_and_whether_they_were_stored()
    {
        using var output = new MemoryStream();

        var entries = new ProtectedZipWriter().Write(output, Password,
        [
            Input("C:\\Users\\yamada\\見積書.xlsx", SampleContent.XlsxLikeZip()),
            Input("見積書.xlsx", SampleContent.CsvText(10_000)),
            Input("../../顧客一覧.csv", SampleContent.CsvText(20_000)),
        ]);

        entries.Select(e => (e.Name, e.Stored)).Should().Equal(("見積書.xlsx", true), ("見積書 (2).xlsx", false), ("顧客一覧.csv", false));
        entries[0].SourceName.Should().Be("C:\\Users\\yamada\\見積書.xlsx");
        entries[2].Size.Should().Be(SampleContent.CsvText(20_000).Length);
    }

    [Test]
    public void Names_with_folders_and_traversal_come_out_flat_in_7z()
    {
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.Aes256, attachments: new Dictionary<string, byte[]>
        {
            ["../../etc/passwd"] = "root"u8.ToArray(),
            ["C:\\Windows\\win.ini"] = "[fonts]"u8.ToArray(),
            ["見積書.xlsx"] = "1"u8.ToArray(),
            ["見積書.XLSX"] = "2"u8.ToArray(),
        });

        var target = _temp.Subdirectory("out");
        SevenZip.Extract(archive, Password, target).ExitCode.Should().Be(0);

        SevenZip.ReadTree(target).Keys.Should().BeEquivalentTo("passwd", "win.ini", "見積書.xlsx", "見積書 (2).XLSX");
    }

    [Test]
    public void Entry_time_is_the_given_time_in_the_configured_zone_with_an_exact_utc_copy()
    {
        var archive = _temp.File("protected.zip");
        using (var file = File.Create(archive))
        {
            new ProtectedZipWriter(new ProtectedZipOptions { TimeZoneId = "Asia/Tokyo" })
                .Write(file, Password, [ProtectedZipInput.FromStream("議事録.txt", new MemoryStream("x"u8.ToArray()), MeetingTime)]);
        }

        // The MS-DOS field, which Windows Explorer shows as is, holds Tokyo wall-clock time ...
        var dos = ExternalTool.Run("unzip", "-Z", "-T", "-v", archive);
        dos.StdOut.Should().Contain("file last modified on (DOS date/time):          2024 Mar 5 10:20:30");
        // ... and the UT field the exact instant, which 7-Zip and unzip show in the reader's own zone.
        dos.StdOut.Should().Contain("file last modified on (UT extra field modtime): 2024 Mar 5 01:20:30 UTC");
        var inUtc = SevenZip.ListTechnical(archive, new Dictionary<string, string> { ["TZ"] = "UTC" }).Single();
        inUtc["Modified"].Should().Be("2024-03-05 01:20:30");
    }

    [Test]
    public void Entry_time_defaults_to_the_time_of_writing()
    {
        var now = new DateTimeOffset(2025, 11, 27, 14, 5, 0, TimeSpan.Zero);
        var archive = _temp.File("protected.zip");
        using (var file = File.Create(archive))
        {
            new ProtectedZipWriter(new ProtectedZipOptions { TimeZoneId = "UTC" }, new FixedClock(now))
                .Write(file, Password, [ProtectedZipInput.FromStream("a.txt", new MemoryStream("x"u8.ToArray()))]);
        }

        var entry = SevenZip.ListTechnical(archive, new Dictionary<string, string> { ["TZ"] = "UTC" }).Single();
        entry["Modified"].Should().Be("2025-11-27 14:05:00");
    }

    [Test]
    public void File_inputs_keep_their_name_and_last_write_time()
    {
        var source = _temp.File("顧客一覧.csv");
        File.WriteAllBytes(source, SampleContent.CsvText(5_000));
        File.SetLastWriteTimeUtc(source, new DateTime(2023, 7, 1, 8, 30, 12, DateTimeKind.Utc));
        var archive = _temp.File("protected.zip");

        using (var file = File.Create(archive))
        {
            new ProtectedZipWriter().Write(file, Password, [ProtectedZipInput.FromFile(source)]);
        }

        var entry = SevenZip.ListTechnical(archive, new Dictionary<string, string> { ["TZ"] = "UTC" }).Single();
        entry["Path"].Should().Be("顧客一覧.csv");
        entry["Modified"].Should().Be("2023-07-01 08:30:12");
    }

    [Test]
    public void The_output_stream_is_left_open_and_input_streams_are_not_disposed()
    {
        var content = new MemoryStream("data"u8.ToArray());
        var output = new MemoryStream();

        new ProtectedZipWriter().Write(output, Password, [ProtectedZipInput.FromStream("a.txt", content)]);

        output.CanWrite.Should().BeTrue();
        content.CanRead.Should().BeTrue();
        output.Length.Should().BeGreaterThan(0);
    }

    [Test]
    public void Writing_a_large_stream_allocates_far_less_than_its_size()
    {
        const long Size = 64L * 1024 * 1024;
        using var input = new GeneratedStream(Size);
        using var sink = new NonSeekableStream(Stream.Null);
        var writer = new ProtectedZipWriter();
        writer.Write(Stream.Null, Password, [Input("warm-up.bin", new byte[100_000])]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var entries = writer.Write(sink, Password, [ProtectedZipInput.FromStream("large.csv", input)]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        TestContext.Out.WriteLine($"allocated {allocated:N0} bytes while writing {Size:N0}");
        entries.Single().Size.Should().Be(Size);
        allocated.Should().BeLessThan(Size / 8, "content must be copied in chunks, not buffered whole");
    }

    [Test]
    public void Cancellation_stops_the_write()
    {
        using var cancellation = new CancellationTokenSource();
        using var input = new GeneratedStream(32L * 1024 * 1024, afterFirstRead: cancellation.Cancel);

        var write = () => new ProtectedZipWriter().Write(Stream.Null, Password, [ProtectedZipInput.FromStream("a.csv", input)], cancellation.Token);

        write.Should().Throw<OperationCanceledException>();
        input.Position.Should().BeLessThan(input.Length);
    }

    [Test]
    public void Aes256_archive_on_a_seekable_output_is_read_by_sharpcompress_archive_api()
    {
        // Inspection reads archives with SharpCompress; its ZipArchive fails on AES entries with a data descriptor.
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.Aes256);

        using var zip = ArchiveFactory.OpenArchive(archive, new ReaderOptions { Password = Password });
        var extracted = zip.Entries.ToDictionary(e => e.Key!, e =>
        {
            using var entryStream = e.OpenEntryStream();
            using var copy = new MemoryStream();
            entryStream.CopyTo(copy);
            return copy.ToArray();
        });

        zip.Entries.Should().AllSatisfy(e => e.IsEncrypted.Should().BeTrue());
        extracted.Should().HaveCount(Attachments.Count);
        foreach (var (name, content) in Attachments)
        {
            extracted[name].AsSpan().SequenceEqual(content).Should().BeTrue(name);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Sharpcompress_sees_every_entry_as_encrypted_without_the_password(bool nonSeekableOutput)
    {
        // What the gateway's inspection does with a ZIP the add-in made: it must judge it protected.
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.Aes256, nonSeekableOutput);

        using var zip = ArchiveFactory.OpenArchive(archive);

        zip.Entries.Select(e => e.Key).Should().BeEquivalentTo(Attachments.Keys);
        zip.Entries.Should().AllSatisfy(e => e.IsEncrypted.Should().BeTrue());
    }

    [Test]
    public void Generated_password_opens_the_archive_in_7z()
    {
        var password = PasswordGenerator.Generate();
        var archive = _temp.File("protected.zip");
        Write(archive, ZipEncryption.Aes256, password: password);

        var result = SevenZip.Extract(archive, password, _temp.Subdirectory("out"));

        result.ExitCode.Should().Be(0, result.All);
    }

    private static ProtectedZipInput Input(string name, byte[] content) =>
        ProtectedZipInput.FromStream(name, new MemoryStream(content, writable: false));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
