namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// Encryption of one ZIP entry's data: a header before it (salt and verifier, or ZipCrypto's 12 bytes), the data
/// encrypted in place as it streams, and a trailer after it (AES's authentication code). One instance per entry.
/// </summary>
internal abstract class EntryCipher : IDisposable
{
    /// <summary>Bytes written before the data.</summary>
    internal abstract int HeaderLength { get; }

    /// <summary>Bytes written after the data.</summary>
    internal abstract int TrailerLength { get; }

    /// <summary>Header plus trailer: what encryption adds to the entry's compressed size.</summary>
    internal int Overhead => HeaderLength + TrailerLength;

    /// <summary>Writes the header; called once, before any data.</summary>
    internal abstract void WriteHeader(ZipOutput output);

    /// <summary>Encrypts the next part of the (compressed) data in place.</summary>
    internal abstract void Encrypt(Span<byte> data);

    /// <summary>Writes the trailer; called once, after all data.</summary>
    internal abstract void WriteTrailer(ZipOutput output);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
