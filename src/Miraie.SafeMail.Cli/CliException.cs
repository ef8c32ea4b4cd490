using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Cli;

/// <summary>An expected failure: printed as one line (in the user's language) with its exit code, never as a stack trace.</summary>
internal sealed class CliException(int exitCode, LocalizedText text) : Exception(text.En)
{
    public int ExitCode { get; } = exitCode;

    public LocalizedText Text { get; } = text;
}
