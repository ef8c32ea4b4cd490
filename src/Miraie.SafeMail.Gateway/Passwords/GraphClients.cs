using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Kiota.Authentication.Azure;

namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>
/// A Microsoft Graph client for an app registration (<see cref="GraphSendOptions"/>): the password mail's sendMail and
/// the approvals' manager lookup sign in the same way, with Graph's own pipeline (retries of 429/503/504 honouring Retry-After).
/// </summary>
public static class GraphClients
{
    /// <summary>
    /// A client for <paramref name="options"/>; <paramref name="credential"/> replaces Azure.Identity's sign-in with the
    /// client secret or certificate (tests hand a fixed token to a fake Graph).
    /// </summary>
    public static GraphServiceClient Create(GraphSendOptions options, TokenCredential? credential = null)
    {
        credential ??= Credential(options);
        var baseUrl = new Uri(options.BaseUrl.TrimEnd('/'));
        var scope = $"{baseUrl.Scheme}://{baseUrl.Authority}/.default";
        var http = GraphClientFactory.Create(new GraphClientOptions());
        var auth = new AzureIdentityAuthenticationProvider(credential, [baseUrl.Host], null, true, scope);
        return new GraphServiceClient(http, auth, baseUrl.ToString());
    }

    private static TokenCredential Credential(GraphSendOptions options)
    {
        var authority = new Uri(options.AuthorityHost);
        if (!string.IsNullOrEmpty(options.CertificatePath))
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
            return new ClientCertificateCredential(options.TenantId, options.ClientId, certificate, new ClientCertificateCredentialOptions { AuthorityHost = authority });
        }

        return new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret, new ClientSecretCredentialOptions { AuthorityHost = authority });
    }
}
