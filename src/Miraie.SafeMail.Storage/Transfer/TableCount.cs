namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>One table moved: its name and its rows (equal in the source and the target, and equal in content).</summary>
public sealed record TableCount(string Table, long Rows);
