namespace Miraie.SafeMail.Storage.Transfer;

/// <summary>A column of a PostgreSQL table as its catalog describes it (<c>information_schema.columns</c>).</summary>
internal sealed record TargetColumn(string Name, string Type, bool Identity);
