using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;

namespace Miraie.SafeMail.Gateway.Processing;

/// <summary>
/// The policy in force. A changed settings file takes effect on the next message without a restart; a change that
/// does not validate is refused with the problems logged, and the last good policy stays in force (never "no policy").
/// It follows the configuration's reload token itself rather than <see cref="IOptionsMonitor{TOptions}"/>: the monitor
/// throws a refused change inside the file watcher's callback, where nobody would ever hear of it.
/// </summary>
public sealed class PolicyProvider : IDisposable
{
    private readonly ILogger<PolicyProvider> _logger;
    private readonly IDisposable? _subscription;
    private volatile PolicyEvaluator _current;
    private long _version;

    /// <summary>Starts from the validated policy and follows changes of <paramref name="configuration"/>.</summary>
    public PolicyProvider(IOptions<PolicyOptions> options, IOptionsFactory<PolicyOptions> factory, IConfiguration configuration, ILogger<PolicyProvider> logger)
    {
        _logger = logger;
        _current = new PolicyEvaluator(options.Value);
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload(factory));
    }

    /// <summary>The evaluator for the policy in force.</summary>
    public PolicyEvaluator Current => _current;

    /// <summary>The console's policy version in force, or 0 while the settings file's policy is.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>
    /// Puts a policy saved in the console in force. From then on the console's versions win over the settings file
    /// (an edit of the file's policy is logged and ignored), because the console is where admins change it.
    /// </summary>
    public void ApplyVersion(long version, PolicyOptions policy)
    {
        Replace(policy);
        Interlocked.Exchange(ref _version, version);
        _logger.LogInformation("policy version {Version} in force: {Rules} rules, {Domains} internal domains", version, policy.Rules.Count, policy.InternalDomains.Count);
    }

    /// <summary>Replaces the policy (the console's save, after its own validation).</summary>
    public void Replace(PolicyOptions policy)
    {
        var errors = PolicyOptionsValidator.Check(policy);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(policy));
        }

        _current = new PolicyEvaluator(policy);
    }

    private void Reload(IOptionsFactory<PolicyOptions> factory)
    {
        if (Version > 0)
        {
            _logger.LogDebug("settings reloaded; the console's policy version {Version} stays in force", Version);
            return;
        }

        try
        {
            var policy = factory.Create(Options.DefaultName);
            Replace(policy);
            _logger.LogInformation("policy reloaded: {Rules} rules, {Domains} internal domains", policy.Rules.Count, policy.InternalDomains.Count);
        }
        catch (OptionsValidationException e)
        {
            _logger.LogError("設定の変更を拒否しました。以前のポリシーを使い続けます / policy change refused, the previous policy stays in force: {Problems}",
                string.Join(" | ", e.Failures));
        }
        catch (Exception e) when (e is SettingsException or ArgumentException or InvalidOperationException or FormatException)
        {
            _logger.LogError("設定の変更を拒否しました。以前のポリシーを使い続けます / policy change refused, the previous policy stays in force: {Problems}", e.Message);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _subscription?.Dispose();
}
