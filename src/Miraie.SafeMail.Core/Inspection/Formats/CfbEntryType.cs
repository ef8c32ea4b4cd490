namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>Directory entry types of MS-CFB.</summary>
internal enum CfbEntryType : byte
{
    Unused = 0,
    Storage = 1,
    Stream = 2,
    Root = 5,
}
