using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Storage.Backup;

/// <summary>A backup or restore that cannot be done as asked; <see cref="Text"/> says why, in both languages. Nothing half-done is left behind.</summary>
public sealed class BackupException(LocalizedText text, bool inputProblem = false) : Exception(text.En)
{
    /// <summary>What went wrong, for the operator.</summary>
    public LocalizedText Text { get; } = text;

    /// <summary>True when the backup itself is missing, damaged or not a backup (as opposed to a target that cannot be used).</summary>
    public bool InputProblem { get; } = inputProblem;
}
