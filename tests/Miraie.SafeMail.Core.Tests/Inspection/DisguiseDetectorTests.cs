using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection;

public class DisguiseDetectorTests
{
    [TestCase("請求書.pdf", FileKind.Executable, Disguises.ExtensionMismatch)]
    [TestCase("setup.exe", FileKind.Executable, Disguises.None)]
    [TestCase("deploy", FileKind.Executable, Disguises.None)]
    [TestCase("見積書.pdf.exe", FileKind.Executable, Disguises.DoubleExtension)]
    [TestCase("見積書.pdf.exe", FileKind.Unknown, Disguises.DoubleExtension)]
    [TestCase("見積書．ｐｄｆ.exe", FileKind.Executable, Disguises.DoubleExtension)]
    [TestCase("invoice.pdf      .scr", FileKind.Executable, Disguises.DoubleExtension)]
    [TestCase("setup.v2.exe", FileKind.Executable, Disguises.None)]
    [TestCase("report.2026.pdf", FileKind.Pdf, Disguises.None)]
    [TestCase("data/archive.zip", FileKind.Zip, Disguises.None)]
    [TestCase("見積書.pdf", FileKind.Zip, Disguises.ExtensionMismatch)]
    [TestCase("image001.png", FileKind.Pdf, Disguises.ExtensionMismatch)]
    [TestCase("photo.jpg", FileKind.Image, Disguises.None)]
    [TestCase("見積書.docx", FileKind.Cfb, Disguises.None)]
    [TestCase("report.xls", FileKind.Text, Disguises.None)]
    [TestCase("archive.zip", FileKind.Ooxml, Disguises.None)]
    [TestCase("mystery.pdf", FileKind.Unknown, Disguises.None)]
    [TestCase("data.dat", FileKind.Zip, Disguises.None)]
    [TestCase("見積書.odt", FileKind.Odf, Disguises.None)]
    [TestCase("見積書.ods", FileKind.Zip, Disguises.None)]
    [TestCase("見積書.pdf", FileKind.Odf, Disguises.ExtensionMismatch)]
    [TestCase("転送.msg", FileKind.Message, Disguises.None)]
    [TestCase("転送.msg", FileKind.Cfb, Disguises.None)]
    [TestCase("転送.eml", FileKind.Message, Disguises.None)]
    [TestCase("転送.pdf", FileKind.Message, Disguises.ExtensionMismatch)]
    public void Names_are_judged_against_content(string name, FileKind kind, Disguises expected)
    {
        DisguiseDetector.Detect(name, kind).Should().Be(expected);
    }

    [Test]
    public void Right_to_left_override_is_disguise_even_on_harmless_content()
    {
        // Displays as "reportexe.pdf" in many programs while it really ends in .exe.
        DisguiseDetector.Detect("report\u202Efdp.exe", FileKind.Pdf).Should().HaveFlag(Disguises.BidiControl);
        DisguiseDetector.Detect("report\u2067x.pdf", FileKind.Pdf).Should().Be(Disguises.BidiControl);
    }

    [Test]
    public void An_executable_with_rtl_override_and_document_name_has_every_flag()
    {
        DisguiseDetector.Detect("見積\u202Efdp.exe.pdf", FileKind.Executable)
            .Should().HaveFlag(Disguises.BidiControl).And.HaveFlag(Disguises.ExtensionMismatch);
    }
}
