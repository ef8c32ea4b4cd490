using Microsoft.Extensions.Options;

namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>Checks <c>SafeMail:Incidents</c> at start and on reload; each problem names its key.</summary>
public sealed class IncidentOptionsValidator : IValidateOptions<IncidentOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, IncidentOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.SecurityOffice.Count; i++)
        {
            var address = options.SecurityOffice[i];
            if (!Waiting.WaitingOptionsValidator.IsAddress(address ?? "", allowName: false))
            {
                errors.Add(Core.Policy.PolicyTexts.Invalid($"{IncidentOptions.SectionName}:SecurityOffice:{i}", $"「{address}」はメールアドレスではありません",
                    $"'{address}' is not a mail address"));
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
