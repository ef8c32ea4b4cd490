using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Confirmation;

/// <summary>What each stamp status means, for people.</summary>
public static class ConfirmationTexts
{
    /// <summary>The status in both languages.</summary>
    public static LocalizedText Describe(ConfirmationStatus status) => status switch
    {
        ConfirmationStatus.Valid => new("宛先確認済み（有効な確認スタンプ）", "recipients confirmed (valid stamp)"),
        ConfirmationStatus.Absent => new("宛先確認スタンプなし", "no confirmation stamp"),
        ConfirmationStatus.NotChecked => new("確認スタンプあり（鍵が未設定のため未検証）", "stamp present, not checked (no key configured)"),
        ConfirmationStatus.Malformed => new("確認スタンプの形式が正しくありません", "the confirmation stamp is malformed"),
        ConfirmationStatus.UnknownKey => new("確認スタンプの鍵が不明です", "the stamp was signed with an unknown key"),
        ConfirmationStatus.BadSignature => new("確認スタンプの署名が一致しません（改ざんの可能性）", "the stamp's signature does not match (possibly tampered)"),
        ConfirmationStatus.Expired => new("確認スタンプの有効期限が切れています", "the confirmation stamp has expired"),
        ConfirmationStatus.NotYetValid => new("確認スタンプの日時が未来です", "the confirmation stamp is dated in the future"),
        ConfirmationStatus.SenderMismatch => new("確認した送信者と実際の送信者が異なります", "confirmed by a different sender"),
        ConfirmationStatus.RecipientsMismatch => new("確認後に宛先が変更されています", "the recipients changed after confirmation"),
        ConfirmationStatus.AttachmentsMismatch => new("確認後に添付ファイルが変更されています", "the attachments changed after confirmation"),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
