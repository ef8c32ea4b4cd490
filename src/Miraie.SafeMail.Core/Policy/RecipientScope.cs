namespace Miraie.SafeMail.Core.Policy;

/// <summary>Which envelope recipients a rule is about.</summary>
public enum RecipientScope
{
    /// <summary>At least one recipient is external: the message is external.</summary>
    AnyExternal,
    /// <summary>Every recipient is external.</summary>
    AllExternal,
    /// <summary>No recipient is external.</summary>
    AllInternal,
}
