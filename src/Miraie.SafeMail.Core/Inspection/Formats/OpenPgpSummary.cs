namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>The result of reading OpenPGP packet headers.</summary>
/// <param name="Content">What the packets amount to.</param>
/// <param name="PublicKeys">Public-key encrypted session keys (recipients' keys).</param>
/// <param name="Passwords">Symmetric-key encrypted session keys (passwords).</param>
/// <param name="DataPacket">The encrypted data packet: <c>seipd-v1</c>, <c>seipd-v2</c>, <c>aead</c> or <c>sed</c>.</param>
internal sealed record OpenPgpSummary(OpenPgpContent Content, int PublicKeys = 0, int Passwords = 0, string? DataPacket = null)
{
    public static OpenPgpSummary Invalid { get; } = new(OpenPgpContent.Invalid);
}
