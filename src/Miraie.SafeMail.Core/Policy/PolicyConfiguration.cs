using Microsoft.Extensions.Configuration;
using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Core.Policy;

/// <summary>Reads <see cref="PolicyOptions"/> from configuration, with the shipping rules when none are configured.</summary>
public static class PolicyConfiguration
{
    /// <summary>
    /// Binds <c>SafeMail:Policy</c>. Lists are bound into empty lists (the configuration binder appends to existing
    /// ones, which would merge a file's rules into the defaults); the default rules apply only when no rule is configured.
    /// Throws <see cref="SettingsException"/> naming every misspelt key and unconvertible value.
    /// </summary>
    public static PolicyOptions Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection(PolicyOptions.SectionName);
        var options = SettingsChecker.Bind<PolicyOptions>(section);
        if (!section.GetSection(nameof(PolicyOptions.Rules)).Exists())
        {
            options.Rules = PolicyDefaults.Rules();
        }

        return options;
    }
}
