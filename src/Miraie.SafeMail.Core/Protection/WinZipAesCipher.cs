using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// WinZip AES-256 (AE-2), as 7-Zip, WinZip and the WinZip specification define it: PBKDF2-HMAC-SHA1 with 1,000
/// iterations over a random 16-byte salt gives a 32-byte AES key, a 32-byte HMAC key and a 2-byte password
/// verifier; data is encrypted with AES in CTR mode (a 16-byte little-endian counter starting at 1) and
/// authenticated by the first 10 bytes of HMAC-SHA1 over the ciphertext. Keystream is made many blocks at a time
/// with one ECB call, which is what makes this fast (SharpZipLib calls AES once per 16 bytes; ADR-002).
/// </summary>
internal sealed class WinZipAesCipher : EntryCipher
{
    private const int SaltLength = 16;
    private const int KeyLength = 32;
    private const int VerifierLength = 2;
    private const int AuthenticationCodeLength = 10;
    private const int Iterations = 1000;
    private const int BlockLength = 16;
    private const int KeystreamLength = 1024 * BlockLength;

    private readonly Aes _aes;
    private readonly IncrementalHash _hmac;
    private readonly byte[] _salt;
    private readonly byte[] _verifier;
    private readonly byte[] _counterBlocks = new byte[KeystreamLength];
    private readonly byte[] _keystream = new byte[KeystreamLength];
    private int _keystreamUsed = KeystreamLength;
    private ulong _counter;

    /// <summary>Derives the keys for <paramref name="password"/> (its UTF-8 bytes) with a fresh random salt.</summary>
    internal WinZipAesCipher(ReadOnlySpan<byte> password)
    {
        _salt = RandomNumberGenerator.GetBytes(SaltLength);
        Span<byte> keys = stackalloc byte[(2 * KeyLength) + VerifierLength];
#pragma warning disable CA5379 // PBKDF2-HMAC-SHA1 with 1,000 iterations is fixed by the WinZip AES format; readers derive the same.
        Rfc2898DeriveBytes.Pbkdf2(password, _salt, keys, Iterations, HashAlgorithmName.SHA1);
#pragma warning restore CA5379
        _aes = Aes.Create();
        _aes.Key = keys[..KeyLength].ToArray();
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.Slice(KeyLength, KeyLength));
        _verifier = keys[(2 * KeyLength)..].ToArray();
        CryptographicOperations.ZeroMemory(keys);
    }

    internal override int HeaderLength => SaltLength + VerifierLength;

    internal override int TrailerLength => AuthenticationCodeLength;

    internal override void WriteHeader(ZipOutput output)
    {
        output.Write(_salt);
        output.Write(_verifier);
    }

    internal override void Encrypt(Span<byte> data)
    {
        var remaining = data;
        while (!remaining.IsEmpty)
        {
            if (_keystreamUsed == KeystreamLength)
            {
                RefillKeystream();
            }

            var n = Math.Min(remaining.Length, KeystreamLength - _keystreamUsed);
            Xor(remaining[..n], _keystream.AsSpan(_keystreamUsed, n));
            _keystreamUsed += n;
            remaining = remaining[n..];
        }

        _hmac.AppendData(data);
    }

    internal override void WriteTrailer(ZipOutput output)
    {
        Span<byte> mac = stackalloc byte[20];
        _hmac.GetHashAndReset(mac);
        output.Write(mac[..AuthenticationCodeLength]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            _hmac.Dispose();
            CryptographicOperations.ZeroMemory(_keystream);
        }

        base.Dispose(disposing);
    }

    private void RefillKeystream()
    {
        for (var offset = 0; offset < KeystreamLength; offset += BlockLength)
        {
            // Bytes 8..15 of each counter block stay zero: 2^64 blocks is beyond any ZIP.
            BinaryPrimitives.WriteUInt64LittleEndian(_counterBlocks.AsSpan(offset), ++_counter);
        }

#pragma warning disable CA5358 // ECB here only encrypts counter blocks: it is how CTR mode is built, not used on data.
        _aes.EncryptEcb(_counterBlocks, _keystream, PaddingMode.None);
#pragma warning restore CA5358
        _keystreamUsed = 0;
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= data.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(data[i..]) ^ new Vector<byte>(keystream[i..])).CopyTo(data[i..]);
            }
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }
}
