namespace Miraie.SafeMail.Storage.Messages;

/// <summary>Where a message's bytes landed in the spool.</summary>
/// <param name="Segment">The segment file's name.</param>
/// <param name="Offset">The offset of the first byte.</param>
public sealed record SegmentLocation(string Segment, long Offset);
