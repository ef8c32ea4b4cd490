using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Policy;

namespace Miraie.SafeMail.Gateway.Processing;

/// <summary>
/// Brings policies saved in the console into the running gateway: at start, every two seconds, and at once when the
/// console in the same process asks. A stored version that does not validate (written by a newer or broken tool) is
/// logged and skipped; the policy in force stays.
/// </summary>
public sealed class PolicyVersionWatcher(SafeMailDatabase database, PolicyProvider policy, ILogger<PolicyVersionWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _skipped;

    /// <summary>Applies the newest saved version if it is not in force yet.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            var newest = await PolicyVersions.CurrentIdAsync(connection, cancellationToken).ConfigureAwait(false);
            if (newest == 0 || newest == policy.Version || newest == _skipped)
            {
                return;
            }

            var version = (await PolicyVersions.GetAsync(connection, newest, cancellationToken).ConfigureAwait(false))!;
            try
            {
                policy.ApplyVersion(version.Id, PolicyJson.Parse(version.Json));
            }
            catch (SettingsException e)
            {
                _skipped = version.Id;
                logger.LogError("保存されたポリシー {Version} を適用できません / stored policy version {Version} cannot be applied: {Problems}",
                    version.Id, version.Id, string.Join(" | ", e.Errors));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RefreshAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("policy versions could not be read: {Error}", e.Message);
                }

                await Task.Delay(Interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping, also when a service after this one refused to start: not a failure worth a stack trace
        }
    }
}
