namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>A CFFOLDER: where its CFDATA blocks start, how many there are, and how they are compressed.</summary>
/// <param name="DataOffset">Offset of the first CFDATA block.</param>
/// <param name="BlockCount">Number of CFDATA blocks.</param>
/// <param name="Compression">typeCompress: low 4 bits 0 none, 1 MSZIP, 2 Quantum, 3 LZX.</param>
/// <param name="DataReserve">Reserved bytes in each CFDATA header (cbCFData).</param>
/// <param name="Size">The folder's uncompressed size: the sum of its blocks' cbUncomp.</param>
internal sealed record CabFolder(long DataOffset, int BlockCount, int Compression, int DataReserve, long Size)
{
    /// <summary>The method's name for people, or null when we decode it.</summary>
    public string? Unsupported => (Compression & 0x0F) switch
    {
        0 or 1 => null,
        2 => "Quantum",
        3 => "LZX",
        _ => $"compression type {Compression & 0x0F}",
    };
}
