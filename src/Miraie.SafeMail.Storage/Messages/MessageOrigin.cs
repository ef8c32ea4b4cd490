namespace Miraie.SafeMail.Storage.Messages;

/// <summary>Where a stored message came from. Only mail received over SMTP is inspected; the gateway's own mail is not.</summary>
public static class MessageOrigin
{
    /// <summary>Received from a client over SMTP.</summary>
    public const string Smtp = "smtp";
    /// <summary>A delivery status notification the gateway wrote (sent with the null sender; never bounced).</summary>
    public const string Dsn = "dsn";
    /// <summary>A quarantine notice to a sender.</summary>
    public const string Notice = "notice";
    /// <summary>The password mail that follows a message carrying an add-in archive.</summary>
    public const string Password = "password";
}
