namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Where a node sits: its name, its path from the message, what the sender declared, how deep it is nested.</summary>
internal sealed record NodeSite(string Name, IReadOnlyList<string> Path, string? DeclaredType, int Depth)
{
    public static NodeSite TopLevel(string name, string? declaredType) => new(name, [name], declaredType, 0);

    /// <summary>A node one level inside this one (an archive entry, a part of an attached message).</summary>
    public NodeSite Child(string name, string? declaredType = null) => new(name, [.. Path, name], declaredType, Depth + 1);
}
