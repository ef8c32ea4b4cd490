namespace Miraie.SafeMail.Core.Settings;

/// <summary>Settings that cannot be used; <see cref="Exception.Message"/> lists every problem, one per line, each naming its key.</summary>
public sealed class SettingsException(IReadOnlyList<string> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    /// <summary>The problems, one per key.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
