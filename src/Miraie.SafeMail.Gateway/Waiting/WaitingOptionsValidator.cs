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

        if (options.ConsoleUrl is { Length: > 0 } url
            && !(Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            errors.Add(Core.Policy.PolicyTexts.Invalid(WaitingOptions.SectionName + ":ConsoleUrl", $"「{url}」は https:// で始まるアドレスではありません",
                $"'{url}' is not an https:// address"));
        }

        if (options.NoticeFrom is { Length: > 0 } from && !IsAddress(from, allowName: true))
        {
            errors.Add(Core.Policy.PolicyTexts.Invalid(WaitingOptions.SectionName + ":NoticeFrom", $"「{from}」はメールアドレスではありません", $"'{from}' is not a mail address"));
        }

        for (var i = 0; i < options.AdminContacts.Count; i++)
        {
            if (!IsAddress(options.AdminContacts[i], allowName: false))
            {
                errors.Add(Core.Policy.PolicyTexts.Invalid($"{WaitingOptions.SectionName}:AdminContacts:{i}", $"「{options.AdminContacts[i]}」はメールアドレスではありません",
                    $"'{options.AdminContacts[i]}' is not a mail address"));
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>True when <paramref name="text"/> is one mail address (with a display name only when <paramref name="allowName"/>).</summary>
    public static bool IsAddress(string text, bool allowName) =>
        MimeKit.MailboxAddress.TryParse(text.Trim(), out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal)
        && (allowName || string.IsNullOrEmpty(mailbox.Name)) && !mailbox.Address.StartsWith('@') && !mailbox.Address.EndsWith('@');
}
