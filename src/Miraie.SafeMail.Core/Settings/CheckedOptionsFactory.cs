using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Miraie.SafeMail.Core.Settings;

/// <summary>
/// Creates options the strict way: every key checked by <see cref="SettingsChecker"/> (or a custom binder such as
/// <c>PolicyConfiguration.Bind</c>), then every registered validator run. Registered as the options factory of a host,
/// it makes <c>IOptionsMonitor</c> reloads go through the same checks, so a bad edit never becomes the running settings.
/// </summary>
/// <typeparam name="T">The options type.</typeparam>
public sealed class CheckedOptionsFactory<T>(IConfiguration configuration, Func<IConfiguration, T> bind, IEnumerable<IValidateOptions<T>> validators)
    : IOptionsFactory<T>
    where T : class
{
    /// <inheritdoc/>
    public T Create(string name)
    {
        var options = bind(configuration);
        var failures = validators.Select(v => v.Validate(name, options)).Where(r => r.Failed).SelectMany(r => r.Failures ?? []).ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(name, typeof(T), failures);
        }

        return options;
    }
}
