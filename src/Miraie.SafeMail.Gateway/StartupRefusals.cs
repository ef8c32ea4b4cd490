using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Gateway;

/// <summary>
/// How the programs that run the gateway (<c>safemail-gateway</c>, and <c>safemail-web</c>) refuse to start: one line per
/// problem, each naming its setting, and exit code 78 (EX_CONFIG) — bad settings, a data directory or a port in use alike.
/// A stack trace is for a bug, not for a port someone else holds.
/// </summary>
public static class StartupRefusals
{
    /// <summary>The exit code of a refused start (EX_CONFIG, sysexits.h): systemd and scripts can tell it from a crash.</summary>
    public const int ExitCode = 78;

    /// <summary>
    /// The problems when <paramref name="exception"/> is a refusal (settings that do not validate, a data directory or an
    /// address in use); null for anything else. <paramref name="other"/> recognises a host's own refusals (Kestrel's port).
    /// </summary>
    public static IReadOnlyList<string>? Problems(Exception exception, Func<Exception, string?>? other = null) => exception switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        SettingsException settings => settings.Errors,
        AggregateException all when all.InnerExceptions.Select(e => Problems(e, other)).ToList() is var each && each.TrueForAll(p => p is not null) =>
            [.. each.SelectMany(p => p!)],
        _ => other?.Invoke(exception) is { } line ? [line] : null,
    };

    /// <summary>Writes each problem as one line on standard error and returns <see cref="ExitCode"/>.</summary>
    public static int Report(string program, IReadOnlyList<string> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"{program}: {problem}");
        }

        return ExitCode;
    }

    /// <summary>
    /// Leaves reporting a failed start to the program: the host otherwise logs every start failure, refusals included, with
    /// its full stack trace before the program's own line. A service that fails while running is still logged (Critical).
    /// </summary>
    public static ILoggingBuilder LeaveStartFailuresToTheProgram(this ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
}
