using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Miraie.SafeMail.Core.Policy;

namespace Miraie.SafeMail.Gateway.Processing;

/// <summary>
/// The policy in force. A changed settings file takes effect on the next message without a restart; a change that
/// does not validate is refused with the problems logged, and the last good policy stays in force (never "no policy").
/// </summary>
public sealed class PolicyProvider : IDisposable
{
    private readonly ILogger<PolicyProvider> _logger;
    private readonly IDisposable? _subscription;
    private volatile PolicyEvaluator _current;

    /// <summary>Starts from the validated policy and follows changes.</summary>
    public PolicyProvider(IOptionsMonitor<PolicyOptions> options, ILogger<PolicyProvider> logger)
    {
        _logger = logger;
        _current = new PolicyEvaluator(options.CurrentValue);
        _subscription = options.OnChange(Reload);
    }

    /// <summary>The evaluator for the policy in force.</summary>
    public PolicyEvaluator Current => _current;

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

    private void Reload(PolicyOptions policy)
    {
        try
        {
            Replace(policy);
            _logger.LogInformation("policy reloaded: {Rules} rules, {Domains} internal domains", policy.Rules.Count, policy.InternalDomains.Count);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            _logger.LogError("policy change refused, the previous policy stays in force: {Problems}", e.Message);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _subscription?.Dispose();
}
