namespace Miraie.SafeMail.Gateway.Links;

/// <summary>A file taken out of a message for its download link: its name and type as attached, and its decoded content.</summary>
public sealed record LinkedFile(string Name, string ContentType, MemoryStream Content);
