using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Miraie.SafeMail.Gateway.Links;

/// <summary>
/// A file written to the response as it is read (never whole in memory), as an attachment with its name (RFC 6266:
/// an ASCII fallback and the UTF-8 <c>filename*</c>). A storage failure after the first byte aborts the connection, so
/// the browser sees a broken download rather than a short file.
/// </summary>
internal sealed class StreamedFile(string name, string contentType, long? length, Func<Stream, Task> write, ILogger logger) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = contentType;
        response.ContentLength = length;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(name);
        response.Headers.ContentDisposition = disposition.ToString();
        try
        {
            await write(response.Body).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or System.Data.Common.DbException)
        {
            logger.LogError(e, "download of {Name} failed", name);
            httpContext.Abort();
        }
    }
}
