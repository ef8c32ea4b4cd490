namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>A CFFILE: its name, size, and where its bytes sit in its folder's uncompressed stream.</summary>
internal sealed record CabFile(string Name, long Size, long FolderOffset, int Folder);
