namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// One directory entry of a compound file: <paramref name="Id"/> is its index in the directory, and
/// <paramref name="Left"/>, <paramref name="Right"/> and <paramref name="Child"/> link the red-black trees that hold a
/// storage's children (MS-CFB 2.6).
/// </summary>
internal sealed record CfbEntry(int Id, string Name, CfbEntryType Type, Guid ClassId, uint StartSector, long Size, uint Left, uint Right, uint Child);
