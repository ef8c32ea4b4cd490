namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>One directory entry of a compound file.</summary>
internal sealed record CfbEntry(string Name, CfbEntryType Type, Guid ClassId, uint StartSector, long Size);
