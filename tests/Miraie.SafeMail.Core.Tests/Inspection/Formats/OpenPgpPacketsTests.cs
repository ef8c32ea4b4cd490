using System.Text;
using Miraie.SafeMail.Core.Inspection.Formats;

namespace Miraie.SafeMail.Core.Tests.Inspection.Formats;

/// <summary>
/// Packet forms gpg 2.2 does not write (OpenPGP-format session keys, five-octet lengths, version 6 keys, SEIPD v2, AEAD,
/// marker packets) and the ways a sequence fails to be an encrypted message. Real gpg output is in the corpus.
/// </summary>
public class OpenPgpPacketsTests
{
    private static byte[] Packet(int tag, byte[] body) => [(byte)(0xC0 | tag), .. Length(body.Length), .. body];

    private static byte[] Length(int n) => n switch
    {
        < 192 => [(byte)n],
        < 8384 => [(byte)(((n - 192) >> 8) + 192), (byte)((n - 192) & 0xFF)],
        _ => [255, (byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n],
    };

    /// <summary>A legacy-format packet with a four-octet length (legacy tags stop at 15).</summary>
    private static byte[] Legacy(int tag, byte[] body) =>
        [(byte)(0x80 | (tag << 2) | 2), (byte)(body.Length >> 24), (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];

    private static byte[] Body(int version, int length)
    {
        var body = new byte[length];
        body[0] = (byte)version;
        return body;
    }

    private static byte[] Pkesk3 => Packet(1, [3, 1, 2, 3, 4, 5, 6, 7, 8, 1, .. new byte[258]]);

    private static byte[] Skesk4 => Packet(3, [4, 9, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 255]);

    private static OpenPgpSummary Read(byte[] data) => OpenPgpPackets.Read(new MemoryStream(data), CancellationToken.None);

    [Test]
    public void A_version_6_session_key_and_a_version_2_SEIPD_with_a_five_octet_length_are_encrypted()
    {
        var summary = Read([.. Packet(1, Body(6, 60)), .. Packet(18, Body(2, 10_000))]);
        summary.Should().Be(new OpenPgpSummary(OpenPgpContent.Encrypted, PublicKeys: 1, Passwords: 0, DataPacket: "seipd-v2"));
    }

    [Test]
    public void A_password_session_key_and_an_AEAD_packet_are_encrypted()
    {
        var summary = Read([.. Packet(3, Body(5, 40)), .. Packet(20, Body(1, 300))]);
        summary.Should().Be(new OpenPgpSummary(OpenPgpContent.Encrypted, PublicKeys: 0, Passwords: 1, DataPacket: "aead"));
    }

    [Test]
    public void Legacy_four_octet_lengths_and_a_leading_marker_packet_are_read()
    {
        var summary = Read([.. Packet(10, "PGP"u8.ToArray()), .. Legacy(1, [3, 1, 2, 3, 4, 5, 6, 7, 8, 1, 0, 8, 0xAA]), .. Legacy(3, [4, 9, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 255]), .. Packet(18, Body(1, 700))]);
        summary.Should().Be(new OpenPgpSummary(OpenPgpContent.Encrypted, PublicKeys: 1, Passwords: 1, DataPacket: "seipd-v1"));
    }

    [Test]
    public void Partial_body_lengths_are_followed_to_the_final_chunk()
    {
        // 0xE9: a partial chunk of 2^9 = 512 octets, 0xE0: one of 1 octet, then a final one-octet length of 10.
        byte[] seipd = [0xC0 | 18, 0xE9, .. Body(1, 512), 0xE0, 0x00, 10, .. new byte[10]];
        Read([.. Pkesk3, .. seipd]).Content.Should().Be(OpenPgpContent.Encrypted);
    }

    [Test]
    public void A_first_partial_chunk_under_512_octets_is_not_OpenPGP()
    {
        byte[] seipd = [0xC0 | 18, 0xE8, .. Body(1, 256), 10, .. new byte[10]];
        Read([.. Pkesk3, .. seipd]).Content.Should().Be(OpenPgpContent.Invalid);
    }

    [Test]
    public void A_partial_length_on_a_session_key_packet_is_not_OpenPGP()
    {
        byte[] pkesk = [0xC0 | 1, 0xE9, .. Body(3, 512), 4, 0, 0, 0, 0];
        Read([.. pkesk, .. Packet(18, Body(1, 100))]).Content.Should().Be(OpenPgpContent.Invalid);
    }

    private static IEnumerable<TestCaseData> NotEncrypted()
    {
        yield return new TestCaseData((object)Pkesk3).SetName("A session key with nothing encrypted after it");
        yield return new TestCaseData((object)(byte[])[.. Pkesk3, .. Packet(18, Body(1, 50)), .. Packet(11, Body(0x62, 20))])
            .SetName("Something after the encrypted packet");
        yield return new TestCaseData((object)(byte[])[.. Pkesk3, .. Packet(18, Body(1, 50)), .. Packet(18, Body(1, 50))]).SetName("Two encrypted packets");
        yield return new TestCaseData((object)Packet(18, Body(1, 50))).SetName("An encrypted packet without a session key");
        yield return new TestCaseData((object)(byte[])[.. Pkesk3, .. Packet(18, Body(3, 50))]).SetName("SEIPD version 3");
        yield return new TestCaseData((object)(byte[])[.. Packet(1, Body(4, 20)), .. Packet(18, Body(1, 50))]).SetName("PKESK version 4");
        yield return new TestCaseData((object)(byte[])[.. Skesk4, .. Packet(20, Body(2, 50))]).SetName("AEAD packet version 2");
        yield return new TestCaseData((object)(byte[])[.. Pkesk3, 0xC0 | 18, 100, .. Body(1, 50)]).SetName("A length that runs past the end");
        yield return new TestCaseData((object)(byte[])[0x40 | 1, 3, 1, 2, 3]).SetName("A first byte without bit 7");
        yield return new TestCaseData((object)(byte[])[0xC0, 1, 0]).SetName("Tag 0");
        yield return new TestCaseData((object)(byte[])[.. Packet(2, Body(7, 30))]).SetName("A signature of an undefined version");
        yield return new TestCaseData((object)(byte[])[.. Packet(16, Body(1, 30))]).SetName("An undefined tag on its own");
        yield return new TestCaseData((object)(byte[])[.. Packet(8, Body(1, 30)), .. Pkesk3]).SetName("A session key after other packets");
        yield return new TestCaseData((object)Array.Empty<byte>()).SetName("Nothing");
    }

    [TestCaseSource(nameof(NotEncrypted))]
    public void Sequences_that_are_not_an_encrypted_message_are_invalid(byte[] data) =>
        Read(data).Content.Should().Be(OpenPgpContent.Invalid);

    [Test]
    public void Signature_packets_alone_are_a_signature_and_a_compressed_message_is_not_encrypted()
    {
        Read([.. Packet(2, Body(4, 30)), .. Packet(2, Body(6, 30))]).Content.Should().Be(OpenPgpContent.SignatureOnly);
        // gpg --sign: a compressed packet (legacy format, indeterminate length) running to the end.
        Read([0xA3, 0x01, .. new byte[100]]).Content.Should().Be(OpenPgpContent.NotEncrypted);
    }

    [Test]
    public void Reading_stops_after_the_packet_budget()
    {
        var markers = Enumerable.Repeat(Packet(10, "PGP"u8.ToArray()), OpenPgpPackets.MaxPackets + 1).SelectMany(p => p).ToArray();
        Read([.. markers, .. Pkesk3, .. Packet(18, Body(1, 50))]).Content.Should().Be(OpenPgpContent.Invalid);
    }

    [Test]
    public void The_first_bytes_name_OpenPGP_only_for_a_defined_session_key_or_signature()
    {
        OpenPgpPackets.StartsLikeOpenPgp(Pkesk3).Should().BeTrue();
        OpenPgpPackets.StartsLikeOpenPgp(Skesk4).Should().BeTrue();
        OpenPgpPackets.StartsLikeOpenPgp(Packet(2, [4, 0x00, 1, 8, .. new byte[20]])).Should().BeTrue();
        OpenPgpPackets.StartsLikeOpenPgp(Packet(1, [3, 1, 2, 3, 4, 5, 6, 7, 8, 99, .. new byte[20]])).Should().BeFalse("public-key algorithm 99 is not defined");
        OpenPgpPackets.StartsLikeOpenPgp(Packet(3, [4, 200, 3, 2, 1])).Should().BeFalse("cipher 200 is not defined");
        OpenPgpPackets.StartsLikeOpenPgp([0xC0 | 1, 0xE9, 3, 1, 2, 3]).Should().BeFalse("a session key never has a partial length");
        OpenPgpPackets.StartsLikeOpenPgp(Packet(11, Body(0x62, 30))).Should().BeFalse("a literal packet is not sniffed");
    }

    [Test]
    public void Armor_with_headers_and_a_checksum_decodes_and_anything_else_around_it_does_not()
    {
        var packets = (byte[])[.. Skesk4, .. Packet(18, Body(1, 100))];
        var base64 = Convert.ToBase64String(packets);
        var armored = $"-----BEGIN PGP MESSAGE-----\nComment: test\n\n{base64[..64]}\n{base64[64..]}\n=abcd\n-----END PGP MESSAGE-----\n";
        OpenPgpArmor.StartsArmored(Encoding.ASCII.GetBytes("\r\n  " + armored)).Should().BeTrue();
        OpenPgpArmor.Decode(Encoding.ASCII.GetBytes(armored)).Should().Equal(packets);
        OpenPgpArmor.Decode(Encoding.ASCII.GetBytes(armored.Replace("\n", "\r\n", StringComparison.Ordinal))).Should().Equal(packets);

        OpenPgpArmor.Decode(Encoding.ASCII.GetBytes(armored.Replace("-----END PGP MESSAGE-----", "", StringComparison.Ordinal))).Should().BeNull("no END line");
        OpenPgpArmor.Decode(Encoding.ASCII.GetBytes(armored.Replace("END PGP MESSAGE", "END PGP SIGNATURE", StringComparison.Ordinal))).Should().BeNull("END does not match BEGIN");
        OpenPgpArmor.Decode(Encoding.ASCII.GetBytes(armored + "P.S. the password is below\n")).Should().BeNull("text after the armor");
        OpenPgpArmor.Decode(Encoding.ASCII.GetBytes(armored.Replace(base64[..4], "!@#$", StringComparison.Ordinal))).Should().BeNull("not base64");
        OpenPgpArmor.StartsArmored("-----BEGIN PGP SIGNED MESSAGE-----\n"u8).Should().BeFalse("a clear-signed text is text");
        OpenPgpArmor.StartsArmored("-----BEGIN PGP PUBLIC KEY BLOCK-----\n"u8).Should().BeFalse("a public key is text");
    }
}
