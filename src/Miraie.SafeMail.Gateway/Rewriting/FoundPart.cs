using MimeKit;

namespace Miraie.SafeMail.Gateway.Rewriting;

/// <summary>An attachment found in the MIME tree: the part, the multipart holding it (null for the message's own body) and its decoded content.</summary>
public sealed record FoundPart(MimePart Part, Multipart? Parent, MemoryStream Content);
