using System.Text;

namespace Miraie.SafeMail.Gateway.Tests;

/// <summary>Once for the whole test run: the code pages Japanese mail needs (ISO-2022-JP, Shift_JIS), as every host registers them.</summary>
[SetUpFixture]
public class AssemblySetup
{
    [OneTimeSetUp]
    public void RegisterCodePages() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
