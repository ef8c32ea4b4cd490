using System.Net;
using Miraie.SafeMail.Web.Localization;

namespace Miraie.SafeMail.Web.AddIn;

/// <summary>
/// Who is calling the add-in API. Production: a bearer token from Nested App Authentication, validated against Entra ID
/// (<see cref="AddInAuthentication"/>; the sender is the token's user). Development mode takes the sender from a header,
/// from loopback clients only. With neither configured the signed endpoints answer 501 and name the settings to set.
/// </summary>
public static class AddInCaller
{
    /// <summary>The header development mode reads the sender from.</summary>
    public const string DevUserHeader = "X-SafeMail-Dev-User";

    /// <summary>The sender's address, or the problem to answer with.</summary>
    public static (string? Sender, IResult? Problem) Identify(HttpContext context, AddInOptions options)
    {
        if (options.EntraId is not null)
        {
            return AddInAuthentication.Identify(context);
        }

        if (!options.DevelopmentMode)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status501NotImplemented, title: Lang.T(
                "Entra ID のサインインが設定されていません: SafeMail:AddIn:EntraId:TenantId と SafeMail:AddIn:EntraId:ClientId を設定してください",
                "Entra ID sign-in is not configured: set SafeMail:AddIn:EntraId:TenantId and SafeMail:AddIn:EntraId:ClientId")));
        }

        context.Response.Headers["X-SafeMail-Mode"] = "development";
        var remote = context.Connection.RemoteIpAddress;
        if (remote is not null && !IPAddress.IsLoopback(remote))
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status403Forbidden,
                title: Lang.T("開発モードではこのコンピューター以外からの要求を受け付けません", "Development mode refuses requests from other machines")));
        }

        var sender = context.Request.Headers[DevUserHeader].ToString().Trim();
        return sender.Contains('@', StringComparison.Ordinal) && sender.Length <= 254
            ? (sender, null)
            : (null, Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
                title: Lang.T($"送信者がわかりません（{DevUserHeader} ヘッダーが必要です）", $"No sender ({DevUserHeader} header required)")));
    }
}
