namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Where a node sits: its name, its path from the message, what the sender declared, how deep it is nested.</summary>
internal sealed record NodeSite(string Name, IReadOnlyList<string> Path, string? DeclaredType, int Depth)
{
    public static NodeSite TopLevel(string name, string? declaredType)
    {
        var normalised = Normalise(name);
        return new(normalised, [normalised], declaredType, 0);
    }

    /// <summary>A node one level inside this one (an archive entry, a part of an attached message).</summary>
    public NodeSite Child(string name, string? declaredType = null)
    {
        var normalised = Normalise(name);
        return new(normalised, [.. Path, normalised], declaredType, Depth + 1);
    }

    /// <summary>Names in NFC: macOS writes decomposed Japanese (デ as テ + ゛), which must read and compare like everyone else's.</summary>
    private static string Normalise(string name) => name.IsNormalized(System.Text.NormalizationForm.FormC) ? name : name.Normalize(System.Text.NormalizationForm.FormC);
}
