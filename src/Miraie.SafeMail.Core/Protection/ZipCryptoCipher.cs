using System.Security.Cryptography;

namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// Traditional PKWARE encryption ("ZipCrypto", APPNOTE 6.1): three 32-bit keys stirred by each plaintext byte,
/// a 12-byte encrypted header of 11 random bytes and a check byte. Weak by today's standards; kept because
/// Windows Explorer opens nothing else.
/// </summary>
internal sealed class ZipCryptoCipher : EntryCipher
{
    private const int EncryptionHeaderLength = 12;

    private readonly byte _checkByte;
    private uint _key0 = 0x1234_5678;
    private uint _key1 = 0x2345_6789;
    private uint _key2 = 0x3456_7890;

    /// <summary>
    /// Keys for <paramref name="password"/> (ASCII bytes). <paramref name="checkByte"/> lets readers reject a
    /// wrong password early: the CRC's high byte, or the DOS time's high byte when a data descriptor follows.
    /// </summary>
    internal ZipCryptoCipher(ReadOnlySpan<byte> password, byte checkByte)
    {
        foreach (var b in password)
        {
            UpdateKeys(b);
        }

        _checkByte = checkByte;
    }

    internal override int HeaderLength => EncryptionHeaderLength;

    internal override int TrailerLength => 0;

    internal override void WriteHeader(ZipOutput output)
    {
        Span<byte> header = stackalloc byte[EncryptionHeaderLength];
        RandomNumberGenerator.Fill(header[..^1]);
        header[^1] = _checkByte;
        Encrypt(header);
        output.Write(header);
    }

    internal override void Encrypt(Span<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            var plain = data[i];
            var temp = _key2 | 2;
            data[i] = (byte)(plain ^ (byte)((temp * (temp ^ 1)) >> 8));
            UpdateKeys(plain);
        }
    }

    internal override void WriteTrailer(ZipOutput output)
    {
    }

    private void UpdateKeys(byte plain)
    {
        _key0 = ZipCryptoCrc.UpdateByte(_key0, plain);
        _key1 = unchecked(((_key1 + (_key0 & 0xFF)) * 134_775_813) + 1);
        _key2 = ZipCryptoCrc.UpdateByte(_key2, (byte)(_key1 >> 24));
    }
}
