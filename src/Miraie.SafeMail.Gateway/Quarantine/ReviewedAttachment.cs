using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Gateway.Quarantine;

/// <summary>One node of a stored message's attachment tree, as the release confirmation lists it.</summary>
/// <param name="Path">The path as in the inspection tree (<c>見積.zip › data/顧客.xlsx</c>). Mail-supplied: show as text only.</param>
/// <param name="Depth">0 for an attachment, 1 for something inside it, …</param>
/// <param name="Kind">What the bytes are, in words (PDF, Office 文書, 実行ファイル …).</param>
/// <param name="Size">Bytes, when known.</param>
/// <param name="Findings">What was found: 暗号化済み, 暗号化されていません, 種類を判別できません, 偽装ファイル, 実行ファイル.</param>
/// <param name="Risky">Disguised or executable: only an admin may let it out, with a reason.</param>
public sealed record ReviewedAttachment(string Path, int Depth, LocalizedText Kind, long? Size, IReadOnlyList<LocalizedText> Findings, bool Risky);
