using Microsoft.Extensions.Options;
using Miraie.SafeMail.Gateway.Passwords;

namespace Miraie.SafeMail.Gateway.Waiting;

/// <summary>Checks <c>SafeMail:Waiting</c> at start and on reload; each problem names its key.</summary>
public sealed class WaitingOptionsValidator : IValidateOptions<WaitingOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, WaitingOptions options)
    {
        var errors = new List<string>();
        if (options.HasGraph || !string.IsNullOrEmpty(options.Graph.ClientSecret) || !string.IsNullOrEmpty(options.Graph.CertificatePath))
        {
            PasswordDeliveryOptionsValidator.CheckGraph(errors, WaitingOptions.SectionName + ":Graph", options.Graph);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
