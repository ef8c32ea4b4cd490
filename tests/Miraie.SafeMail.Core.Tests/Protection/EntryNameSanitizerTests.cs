using CsCheck;
using Miraie.SafeMail.Core.Protection;

namespace Miraie.SafeMail.Core.Tests.Protection;

[TestFixture]
public sealed class EntryNameSanitizerTests
{
    [TestCase("見積書.xlsx", "見積書.xlsx")]
    [TestCase("顧客 一覧 2025.csv", "顧客 一覧 2025.csv")]
    [TestCase("議事録（第３回）.docx", "議事録（第３回）.docx")]
    [TestCase("report.pdf", "report.pdf")]
    [TestCase(".profile", ".profile")]
    public void Ordinary_names_are_kept(string raw, string expected)
    {
        EntryNameSanitizer.Sanitize(raw).Should().Be(expected);
    }

    [TestCase("../../etc/passwd", "passwd")]
    [TestCase("..\\..\\Windows\\win.ini", "win.ini")]
    [TestCase("C:\\Users\\yamada\\Desktop\\見積書.xlsx", "見積書.xlsx")]
    [TestCase("C:見積書.xlsx", "見積書.xlsx")]
    [TestCase("/absolute/path/顧客一覧.csv", "顧客一覧.csv")]
    [TestCase("folder/sub/", null)]
    public void Directories_drives_and_traversal_are_dropped(string raw, string? expected)
    {
        EntryNameSanitizer.Sanitize(raw).Should().Be(expected);
    }

    [TestCase("", null)]
    [TestCase("   ", null)]
    [TestCase("\u3000\u3000", null)]
    [TestCase(".", null)]
    [TestCase("..", null)]
    [TestCase("...", null)]
    [TestCase("/", null)]
    public void Names_with_nothing_usable_are_refused(string raw, string? expected)
    {
        EntryNameSanitizer.Sanitize(raw).Should().Be(expected);
    }

    [TestCase("a<b>c:d\"e|f?g*h.txt", "a_b_c_d_e_f_g_h.txt")]
    [TestCase("tab\there.txt", "tab_here.txt")]
    [TestCase("report.exe.", "report.exe")]
    [TestCase("  spaced name.txt  ", "spaced name.txt")]
    [TestCase("CON", "_CON")]
    [TestCase("nul.txt", "_nul.txt")]
    [TestCase("com1.log", "_com1.log")]
    [TestCase("console.txt", "console.txt")]
    public void Characters_and_names_that_windows_refuses_are_replaced(string raw, string expected)
    {
        EntryNameSanitizer.Sanitize(raw).Should().Be(expected);
    }

    [Test]
    public void Direction_overrides_that_disguise_extensions_are_removed()
    {
        // "invoice\u202Efdp.exe" displays as "invoiceexe.pdf".
        EntryNameSanitizer.Sanitize("invoice\u202Efdp.exe").Should().Be("invoicefdp.exe");
    }

    [Test]
    public void Decomposed_japanese_from_macos_is_composed()
    {
        var decomposed = "カ\u3099イト\u3099.pdf"; // ガイド as macOS writes it
        EntryNameSanitizer.Sanitize(decomposed).Should().Be("ガイド.pdf");
    }

    [Test]
    public void Long_names_are_cut_keeping_the_extension_and_whole_characters()
    {
        var raw = string.Concat(Enumerable.Repeat("😀見積", 150)) + ".xlsx";

        var clean = EntryNameSanitizer.Sanitize(raw)!;

        clean.Length.Should().BeLessThanOrEqualTo(EntryNameSanitizer.MaxLength);
        clean.Should().EndWith(".xlsx");
        clean.Should().StartWith("😀見積");
        char.IsHighSurrogate(clean[^6]).Should().BeFalse("a surrogate pair must not be split");
    }

    [Test]
    public void Any_input_gives_null_or_a_flat_safe_name()
    {
        var characters = Gen.OneOf(
            Gen.Char.AlphaNumeric,
            Gen.OneOf('/', '\\', '.', ':', ' ', '\0', '\u202E', '見', '\u3000', '\u3099'),
            Gen.Char['\uD800', '\uDFFF']);
        characters.Array[0, 300].Select(chars => new string(chars))
            .Sample(raw =>
            {
                var clean = EntryNameSanitizer.Sanitize(raw);
                if (clean is null)
                {
                    return true;
                }

                return clean.Length is > 0 and <= EntryNameSanitizer.MaxLength
                    && clean.IndexOfAny(['/', '\\', ':', '\0', '\u202E']) < 0
                    && clean != "." && clean != ".."
                    && clean.Trim() == clean && !clean.EndsWith('.')
                    && !HasLoneSurrogate(clean);
            });
    }

    [Test]
    public void Equal_names_are_numbered_like_windows_copies_ignoring_case()
    {
        var names = new UniqueEntryNames();

        string[] reserved =
        [
            names.Reserve("見積書.xlsx"),
            names.Reserve("見積書.xlsx"),
            names.Reserve("見積書.XLSX"),
            names.Reserve("見積書 (2).xlsx"),
            names.Reserve("README"),
            names.Reserve("readme"),
        ];

        reserved.Should().Equal("見積書.xlsx", "見積書 (2).xlsx", "見積書 (3).XLSX", "見積書 (2) (2).xlsx", "README", "readme (2)");
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])))
            {
                return true;
            }

            if (char.IsLowSurrogate(value[i]) && (i == 0 || !char.IsHighSurrogate(value[i - 1])))
            {
                return true;
            }
        }

        return false;
    }
}
