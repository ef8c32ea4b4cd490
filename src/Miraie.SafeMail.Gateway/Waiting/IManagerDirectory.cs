namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>Finds a sender's manager (Microsoft Entra ID through Microsoft Graph, or nothing where no directory is configured).</summary>
public interface IManagerDirectory
{
    /// <summary>The mail address of <paramref name="sender"/>'s manager; null when there is none or it cannot be found now.</summary>
    Task<string?> ManagerOfAsync(string sender, CancellationToken cancellationToken);
}

/// <summary>No directory: <c>manager</c> finds nobody, so approvals without listed approvers wait for an admin.</summary>
public sealed class NoManagerDirectory : IManagerDirectory
{
    /// <inheritdoc/>
    public Task<string?> ManagerOfAsync(string sender, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
