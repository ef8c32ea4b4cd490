using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Core.Protection;

/// <summary>The user-facing sentences of the protection feature, in one place so both languages stay in step.</summary>
internal static class ProtectionMessages
{
    internal static readonly LocalizedText NoFiles = new(
        "パスワード付きZIPに格納する添付ファイルがありません。",
        "There are no attachments to put in the password-protected ZIP.");

    internal static readonly LocalizedText UnusableFileName = new(
        "ファイル名が空、または使用できない文字だけの添付ファイルがあるため、パスワード付きZIPを作成できません。",
        "An attachment has an empty file name, or one made only of characters that cannot be used, so the password-protected ZIP cannot be created.");

    internal static readonly LocalizedText EmptyPassword = new(
        "パスワードが空のため、パスワード付きZIPを作成できません。",
        "The password is empty, so the password-protected ZIP cannot be created.");

    internal static readonly LocalizedText NonAsciiPassword = new(
        "パスワードには半角の英数字と記号だけを使用してください。全角文字や空白以外の制御文字を含むと、7-Zip などで開けなくなります。",
        "Use only ASCII letters, digits and symbols in the password. Other characters stop 7-Zip and other tools from opening the ZIP.");

    internal static readonly LocalizedText TooLarge = new(
        "添付ファイルが大きすぎる（合計4 GB以上、または65,535個を超える）ため、パスワード付きZIPを作成できません。",
        "The attachments are too large (4 GB or more in total, or over 65,535 files) for a password-protected ZIP.");
}
