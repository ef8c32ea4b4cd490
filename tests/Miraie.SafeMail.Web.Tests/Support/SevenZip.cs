using System.Diagnostics;
using System.Text;

namespace Miraie.SafeMail.Web.Tests.Support;

/// <summary>The real 7-Zip, to open the archives the add-in backend makes.</summary>
internal static class SevenZip
{
    /// <summary>Runs <c>7z</c> with <paramref name="args"/>; exit code and everything it printed.</summary>
    public static (int Code, string Out) Run(params string[] args)
    {
        var start = new ProcessStartInfo("7z") { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LC_ALL"] = "C.UTF-8";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
