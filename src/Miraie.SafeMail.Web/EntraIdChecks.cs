namespace Miraie.SafeMail.Web;

/// <summary>The checks every Entra ID settings section shares (the console's and the add-in API's), messages in ja/en by key.</summary>
internal static class EntraIdChecks
{
    /// <summary>The sign-in cloud must be an HTTPS root address.</summary>
    public static void Instance(string key, string? instance, List<string> errors)
    {
        if (!Uri.TryCreate(instance, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Query.Length > 0 || uri.AbsolutePath != "/")
        {
            errors.Add($"{key}:Instance: サインインのクラウドの HTTPS アドレスにしてください（例 https://login.microsoftonline.com/） / " +
                       $"must be the sign-in cloud's HTTPS address, e.g. https://login.microsoftonline.com/: {instance}");
        }
    }

    /// <summary>The application (client) ID must be set and a GUID; <paramref name="whose"/> names the registration in ja and en.</summary>
    public static void ClientId(string key, string? clientId, (string Ja, string En) whose, List<string> errors)
    {
        if (clientId is not { Length: > 0 })
        {
            errors.Add($"{key}:ClientId: {whose.Ja}のアプリ登録のアプリケーション（クライアント）ID を設定してください / required: the {whose.En} application (client) ID");
        }
        else if (!Guid.TryParseExact(clientId, "D", out _))
        {
            errors.Add($"{key}:ClientId: 「{clientId}」はアプリケーション（クライアント）ID の GUID にしてください / must be the application (client) ID, a GUID");
        }
    }
}
