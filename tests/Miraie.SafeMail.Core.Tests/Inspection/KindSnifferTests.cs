using System.Text;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection;

public class KindSnifferTests
{
    private static FileKind Kind(byte[] bytes) => KindSniffer.Sniff(bytes, bytes.Length).Kind;

    [Test]
    public void Pdf_header_is_found_after_leading_junk()
    {
        Kind(Encoding.ASCII.GetBytes("\r\n\r\n%PDF-1.7\n1 0 obj")).Should().Be(FileKind.Pdf);
    }

    [Test]
    public void Odf_is_told_from_zip_by_its_stored_mimetype_first()
    {
        // A local file header (30 bytes) for "mimetype", stored, then its content - what every ODF writer puts first.
        static byte[] Header(ushort method, string mimetype)
        {
            var name = "mimetype"u8.ToArray();
            var content = Encoding.ASCII.GetBytes(mimetype);
            var header = new byte[30];
            "PK\x03\x04"u8.CopyTo(header);
            BitConverter.GetBytes(method).CopyTo(header, 8);
            BitConverter.GetBytes(content.Length).CopyTo(header, 18);
            BitConverter.GetBytes(content.Length).CopyTo(header, 22);
            BitConverter.GetBytes((ushort)name.Length).CopyTo(header, 26);
            return [.. header, .. name, .. content, .. new byte[64]];
        }

        Kind(Header(0, "application/vnd.oasis.opendocument.text")).Should().Be(FileKind.Odf);
        Kind(Header(0, "application/vnd.oasis.opendocument.spreadsheet")).Should().Be(FileKind.Odf);
        Kind(Header(8, "application/vnd.oasis.opendocument.text")).Should().Be(FileKind.Zip, "a deflated mimetype is not ODF's signature");
        Kind(Header(0, "application/epub+zip")).Should().Be(FileKind.Zip);
    }

    [Test]
    public void Pe_needs_the_pe_signature_where_the_dos_header_points()
    {
        var pe = new byte[512];
        pe[0] = (byte)'M';
        pe[1] = (byte)'Z';
        BitConverter.GetBytes(0x80).CopyTo(pe, 0x3C);
        "PE\0\0"u8.CopyTo(pe.AsSpan(0x80));
        var sniff = KindSniffer.Sniff(pe, pe.Length);
        sniff.Kind.Should().Be(FileKind.Executable);
        sniff.Format.Should().Be("PE");
    }

    [Test]
    public void Java_class_and_universal_mach_o_are_both_executables_but_told_apart()
    {
        byte[] javaClass = [0xCA, 0xFE, 0xBA, 0xBE, 0x00, 0x00, 0x00, 0x34, 0, 0];
        byte[] universal = [0xCA, 0xFE, 0xBA, 0xBE, 0x00, 0x00, 0x00, 0x02, 0, 0];
        KindSniffer.Sniff(javaClass, javaClass.Length).Format.Should().Be("Java class");
        KindSniffer.Sniff(universal, universal.Length).Format.Should().Be("Mach-O universal");
    }

    [Test]
    public void Shift_jis_csv_is_text_and_random_bytes_are_unknown()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var csv = Encoding.GetEncoding(932).GetBytes("顧客名,金額\r\n株式会社サンプル,1000000\r\n");
        Kind(csv).Should().Be(FileKind.Text);

        var random = new byte[4096];
        new Random(42).NextBytes(random);
        Kind(random).Should().Be(FileKind.Unknown);
    }

    [Test]
    public void Shebang_and_registry_content_are_text_whose_name_decides_whether_it_runs()
    {
        Kind("#!/bin/sh\nrm -rf /tmp/x\n"u8.ToArray()).Should().Be(FileKind.Text);
        Kind("#!/usr/bin/env ruby\nputs 'hi'\n"u8.ToArray()).Should().Be(FileKind.Text);
        Kind("Windows Registry Editor Version 5.00\r\n"u8.ToArray()).Should().Be(FileKind.Text);
    }

    [Test]
    public void Rfc822_text_is_a_message_but_a_csv_with_a_colon_is_not()
    {
        Kind("From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody"u8.ToArray()).Should().Be(FileKind.Message);
        Kind("Name: value\r\nplain line without colon\r\n\r\nmore"u8.ToArray()).Should().Be(FileKind.Text);
    }

    [Test]
    [TestCase("-lh5-", 0, 0x20, true)]
    [TestCase("-lh0-", 1, 0x24, true)]
    [TestCase("-lh7-", 2, 0x29, true)]
    [TestCase("-lz5-", 0, 0x1F, true)]
    [TestCase("-lh5-", 4, 0x20, false)]
    [TestCase("-lh5-", 0, 0x00, false)]
    public void Lzh_is_its_own_kind_by_method_and_header_level(string method, int level, int headerSize, bool lzh)
    {
        var header = new byte[64];
        header[0] = (byte)headerSize;
        Encoding.ASCII.GetBytes(method).CopyTo(header, 2);
        header[20] = (byte)level;
        var sniff = KindSniffer.Sniff(header, header.Length);
        (sniff.Kind == FileKind.Lzh).Should().Be(lzh);
    }

    [Test]
    public void Cabinet_is_its_own_kind()
    {
        var cab = new byte[64];
        "MSCF"u8.CopyTo(cab);
        Kind(cab).Should().Be(FileKind.Cab);
    }

    [Test]
    public void Utf16_text_with_bom_is_text_not_mp3()
    {
        var text = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("見積")).ToArray();
        Kind(text).Should().Be(FileKind.Text);
    }
}
