namespace Miraie.SafeMail.Storage.Accounts;

/// <summary>What a change to a console account came to.</summary>
public enum AccountChange
{
    /// <summary>Changed.</summary>
    Done,
    /// <summary>There is no such account.</summary>
    NoSuchUser,
    /// <summary>Refused: it would leave no enabled admin.</summary>
    LastAdmin,
}
