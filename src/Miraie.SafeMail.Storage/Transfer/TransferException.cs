using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>A move into PostgreSQL that could not be done; <see cref="Text"/> says why, in both languages. The target was left without any of the data.</summary>
public sealed class TransferException(TransferProblem problem, LocalizedText text) : Exception(text.En)
{
    /// <summary>The kind of problem.</summary>
    public TransferProblem Problem { get; } = problem;

    /// <summary>What went wrong and what to do, for the operator.</summary>
    public LocalizedText Text { get; } = text;
}
