namespace Miraie.SafeMail.Core.Inspection;

/// <summary>The ways a file name can lie about its content (PRODUCT.md, "Disguised").</summary>
[Flags]
public enum Disguises
{
    /// <summary>The name does not lie.</summary>
    None = 0,
    /// <summary>The extension claims another kind than the content's: an .exe named .pdf, an AES ZIP named .pdf.</summary>
    ExtensionMismatch = 1,
    /// <summary>Bidirectional control characters (U+202E and friends) that make the name display differently from what it is.</summary>
    BidiControl = 2,
    /// <summary>A document extension followed by an executable one (<c>見積書.pdf.exe</c>).</summary>
    DoubleExtension = 4,
}
