using System.IO.Compression;
using System.Text;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection;

/// <summary>
/// ODF packages LibreOffice 7.4 cannot make, written here after the specification: ODF 1.4's "wholesome" encryption
/// (one encrypted-package part; LibreOffice writes it from 24.2 on) and hostile manifests. The packages LibreOffice does
/// make are in the corpus (tests/corpus/make-documents.sh, files/odf).
/// </summary>
public class OdfPackageTests
{
    private static readonly MessageInspector Inspector = new(new InspectionLimits());

    private const string EncryptionData =
        """
        <manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="AAAA">
         <manifest:algorithm manifest:algorithm-name="http://www.w3.org/2009/xmlenc11#aes256-gcm" manifest:initialisation-vector="AAAAAAAAAAAAAAAA"/>
         <manifest:key-derivation manifest:key-derivation-name="urn:org:documentfoundation:names:experimental:office:manifest:argon2id" manifest:key-size="32" manifest:salt="AAAAAAAAAAAAAAAAAAAAAA=="/>
        </manifest:encryption-data>
        """;

    private static string Manifest(string entries) =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.4">
         <manifest:file-entry manifest:full-path="/" manifest:version="1.4" manifest:media-type="application/vnd.oasis.opendocument.text"/>
         {entries}
        </manifest:manifest>
        """;

    private static async Task<AttachmentNode> InspectAsync(string manifest, params (string Name, byte[] Data)[] parts)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using (var mimetype = await zip.CreateEntry("mimetype", CompressionLevel.NoCompression).OpenAsync())
            {
                await mimetype.WriteAsync("application/vnd.oasis.opendocument.text"u8.ToArray());
            }

            foreach (var (name, data) in parts)
            {
                await using var entry = await zip.CreateEntry(name, CompressionLevel.NoCompression).OpenAsync();
                await entry.WriteAsync(data);
            }

            await using var xml = await zip.CreateEntry("META-INF/manifest.xml").OpenAsync();
            await xml.WriteAsync(Encoding.UTF8.GetBytes(manifest));
        }

        output.Position = 0;
        return await Inspector.InspectFileAsync(output, "見積書.odt");
    }

    private static byte[] Ciphertext(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)((i * 151) + 89))];

    [Test]
    public async Task Wholesome_encryption_of_odf_1_4_is_protected()
    {
        var node = await InspectAsync(
            Manifest($"""<manifest:file-entry manifest:full-path="encrypted-package" manifest:media-type="application/vnd.oasis.opendocument.text">{EncryptionData}</manifest:file-entry>"""),
            ("encrypted-package", Ciphertext(4096)));

        node.Kind.Should().Be(FileKind.Odf);
        node.Protection.Should().Be(ProtectionStatus.Protected, node.Detail.En);
        node.Encryption.Should().Be("odf-aes256-gcm");
    }

    [Test]
    public async Task A_manifest_with_a_dtd_is_refused_not_expanded()
    {
        var bomb = """<?xml version="1.0"?><!DOCTYPE manifest:manifest [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>"""
            + """<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="&b;"/></manifest:manifest>""";
        var node = await InspectAsync(bomb, ("content.xml", "<?xml version=\"1.0\"?><office:document-content/>"u8.ToArray()));

        node.Kind.Should().Be(FileKind.Odf);
        node.Protection.Should().Be(ProtectionStatus.Unknown);
        node.UnknownReason.Should().Be(UnknownReason.Corrupt);
    }

    [Test]
    public async Task Encryption_data_outside_a_file_entry_does_not_count()
    {
        var node = await InspectAsync(
            Manifest($"""<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:other>{EncryptionData}</manifest:other>"""),
            ("content.xml", Ciphertext(512)));

        node.Protection.Should().Be(ProtectionStatus.Unknown, node.Detail.En);
    }

    [Test]
    public async Task A_package_without_a_manifest_is_unknown()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var mimetype = await zip.CreateEntry("mimetype", CompressionLevel.NoCompression).OpenAsync();
            await mimetype.WriteAsync("application/vnd.oasis.opendocument.text"u8.ToArray());
        }

        output.Position = 0;
        var node = await Inspector.InspectFileAsync(output, "見積書.odt");

        node.Kind.Should().Be(FileKind.Odf);
        node.UnknownReason.Should().Be(UnknownReason.Corrupt);
    }

    [Test]
    public async Task An_encrypted_picture_that_is_a_plain_png_is_not_believed()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Ciphertext(256)];
        var node = await InspectAsync(
            Manifest($"""<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{EncryptionData}</manifest:file-entry><manifest:file-entry manifest:full-path="Pictures/1.png" manifest:media-type="image/png">{EncryptionData}</manifest:file-entry>"""),
            ("content.xml", Ciphertext(512)), ("Pictures/1.png", png));

        node.Protection.Should().Be(ProtectionStatus.Unknown);
        node.Detail.En.Should().Contain("Pictures/1.png");
    }
}
