namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>TLS towards the smarthost.</summary>
public enum SmarthostTls
{
    /// <summary>STARTTLS must succeed, or the delivery is deferred.</summary>
    Required,
    /// <summary>STARTTLS when the server offers it.</summary>
    Opportunistic,
    /// <summary>Never TLS (a local MTA on the same host).</summary>
    None,
    /// <summary>TLS from the first byte (port 465).</summary>
    ImplicitTls,
}
