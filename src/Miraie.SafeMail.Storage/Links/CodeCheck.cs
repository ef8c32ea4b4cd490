namespace Miraie.SafeMail.Storage.Links;

/// <summary>What a one-time code given on the download page turned out to be.</summary>
public enum CodeCheck
{
    /// <summary>Right: the code is used up and the address proven.</summary>
    Accepted,
    /// <summary>Wrong; the code may be tried again while tries are left.</summary>
    Wrong,
    /// <summary>No code to try: none was sent, it expired, was used, or its tries ran out. A new code is needed.</summary>
    NoCode,
}
