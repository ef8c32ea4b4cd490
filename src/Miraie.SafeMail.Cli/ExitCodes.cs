namespace Miraie.SafeMail.Cli;

/// <summary>
/// Exit codes. The verdict codes are small so scripts can branch on them; errors use the BSD sysexits values
/// that mail software (Postfix, sendmail) already uses, so an operator reads them the same way.
/// </summary>
internal static class ExitCodes
{
    public const int Pass = 0;
    public const int Quarantine = 1;
    public const int Reject = 2;

    /// <summary>EX_USAGE: the command line is wrong.</summary>
    public const int Usage = 64;

    /// <summary>EX_DATAERR: the input is not what it should be (not a mail message, no recipients).</summary>
    public const int DataError = 65;

    /// <summary>EX_NOINPUT: an input file does not exist or cannot be read.</summary>
    public const int NoInput = 66;

    /// <summary>EX_UNAVAILABLE: a service the command needs (the PostgreSQL server) cannot be reached or failed.</summary>
    public const int Unavailable = 69;

    /// <summary>EX_SOFTWARE: a bug.</summary>
    public const int Software = 70;

    /// <summary>EX_CANTCREAT: an output file cannot be written.</summary>
    public const int CannotCreate = 73;

    /// <summary>EX_TEMPFAIL: not now — something else is using the data (a running gateway); run again once it is stopped.</summary>
    public const int TempFail = 75;

    /// <summary>EX_NOPERM: refused for want of authority (a release of disguised or executable content without a reason).</summary>
    public const int NoPermission = 77;

    /// <summary>EX_CONFIG: the policy or another setting is invalid.</summary>
    public const int Config = 78;
}
