namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>
/// One thing a misdelivery report does at once to the reported message (ADR-020): cancel it while held, decline it while it
/// awaits approval, revoke its download links (saying whether anything was downloaded), say what was already delivered. The steps are registered
/// in order (<c>GatewayServices</c>) and run one after the other by <see cref="IncidentService"/>, which audits each outcome
/// and writes it into the incident's work log and the security office's notice. A step must be safe to run again for the
/// same message (a second report): what it stopped the first time, it reports as already stopped.
/// </summary>
public interface IContainmentStep
{
    /// <summary>The step's name, as audited.</summary>
    string Name { get; }

    /// <summary>Runs the step; null when it has nothing to do with this message (e.g. cancelling, for mail that was never held).</summary>
    Task<ContainmentResult?> ContainAsync(ContainmentContext context, CancellationToken cancellationToken);
}
