namespace Miraie.SafeMail.Core.Inspection;

/// <summary>The kind the first bytes point to, with the precise format name (png, pe, rar5 …) for details.</summary>
/// <param name="Kind">The product kind.</param>
/// <param name="Format">A short format name for people, e.g. <c>PE</c> or <c>LZH</c>.</param>
/// <param name="Unsupported">True for formats we recognise but cannot look inside (LZH, bzip2, ISO images, video …).</param>
internal readonly record struct SniffResult(FileKind Kind, string Format, bool Unsupported = false);
