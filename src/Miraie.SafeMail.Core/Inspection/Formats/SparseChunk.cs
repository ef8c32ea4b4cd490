namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>One stored run of a sparse file: <paramref name="Length"/> bytes that belong at <paramref name="Offset"/>.</summary>
internal readonly record struct SparseChunk(long Offset, long Length);
