using Azure.Core;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.SendMail;
using Microsoft.Kiota.Abstractions;
using MimeKit;

namespace Miraie.SafeMail.Gateway.Passwords;

/// <summary>
/// Sends a password mail as the sender through Microsoft Graph (<c>POST /users/{sender}/sendMail</c>, application
/// permission Mail.Send), so it leaves through Microsoft 365 like the sender's own mail and lands in their Sent Items.
/// The Graph client's own pipeline retries 429/503/504 honouring Retry-After; what still fails is classified for the
/// caller: temporary (throttling, 5xx, network) or permanent (no such mailbox, no permission, bad request).
/// </summary>
public sealed class GraphPasswordSender(GraphServiceClient client, bool saveToSentItems)
{
    /// <summary>A sender for the configured app registration (client secret or certificate through Azure.Identity).</summary>
    public static GraphPasswordSender Create(GraphSendOptions options, TokenCredential? credential = null) =>
        new(GraphClients.Create(options, credential), options.SaveToSentItems);

    /// <summary>Sends <paramref name="mail"/> from <paramref name="mailbox"/>'s mailbox; the outcome, never an exception for a Graph or network error.</summary>
    public async Task<GraphSendResult> SendAsync(string mailbox, MimeMessage mail, CancellationToken cancellationToken)
    {
        var body = new SendMailPostRequestBody
        {
            Message = new Message
            {
                Subject = mail.Subject,
                Body = new ItemBody { ContentType = BodyType.Text, Content = mail.TextBody },
                ToRecipients = mail.To.Mailboxes.Select(m => new Recipient { EmailAddress = new EmailAddress { Address = m.Address } }).ToList(),
                InternetMessageHeaders = mail.InReplyTo is { Length: > 0 } inReplyTo
                    ? [new InternetMessageHeader { Name = "X-SafeMail-Password-For", Value = "<" + inReplyTo + ">" }]
                    : null,
            },
            SaveToSentItems = saveToSentItems, // Graph's default is false: the sender would not see what went out
        };
        try
        {
            await client.Users[mailbox].SendMail.PostAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            return GraphSendResult.Sent;
        }
        catch (ODataError e)
        {
            return Classify(e.ResponseStatusCode, $"{e.ResponseStatusCode} {e.Error?.Code}: {e.Error?.Message}");
        }
        catch (ApiException e)
        {
            return Classify(e.ResponseStatusCode, $"{e.ResponseStatusCode}: {e.Message}");
        }
        catch (AggregateException e) when (e.InnerExceptions.LastOrDefault() is ApiException last)
        {
            // The Graph client's retry handler gave up (429/503/504 more than three times): still temporary.
            return Classify(last.ResponseStatusCode, $"{last.ResponseStatusCode} after {e.InnerExceptions.Count} tries: {last.Message}");
        }
        catch (HttpRequestException e)
        {
            return new GraphSendResult(GraphSendOutcome.Temporary, "network: " + e.Message);
        }
        catch (AuthenticationFailedException e)
        {
            return new GraphSendResult(GraphSendOutcome.Temporary, "sign-in: " + e.Message);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new GraphSendResult(GraphSendOutcome.Temporary, "timeout: " + e.Message);
        }
    }

    private static GraphSendResult Classify(int status, string detail) =>
        new(status is 408 or 429 or >= 500 ? GraphSendOutcome.Temporary : GraphSendOutcome.Permanent, detail);
}
