namespace Miraie.SafeMail.Core.Inspection.Formats;

/// <summary>
/// OpenPGP data by its packets (binary, or ASCII-armored as a whole file): session keys followed by one encrypted data
/// packet are protected; a signature alone holds nothing to read; other OpenPGP (signed, compressed) is readable by anyone;
/// what starts like OpenPGP but whose packets do not add up is unknown. Only packet headers are read, never decrypted.
/// </summary>
internal static class OpenPgpInspector
{
    public static async Task<Assessment> AssessAsync(ContentBuffer content, ContentInspector inspector)
    {
        OpenPgpSummary summary;
        if (OpenPgpArmor.StartsArmored(content.Head))
        {
            inspector.Context.ChargeExpansion(content.Length); // the armor is decoded in memory
            var text = new byte[content.Length];
            using (var stream = content.OpenRead())
            {
                await stream.ReadExactlyAsync(text, inspector.Context.Token).ConfigureAwait(false);
            }

            var binary = OpenPgpArmor.Decode(text);
            summary = binary is null ? OpenPgpSummary.Invalid : OpenPgpPackets.Read(new MemoryStream(binary, writable: false), inspector.Context.Token);
        }
        else
        {
            using var stream = content.OpenRead();
            summary = OpenPgpPackets.Read(stream, inspector.Context.Token);
        }

        return summary.Content switch
        {
            OpenPgpContent.Encrypted => new Assessment(FileKind.OpenPgp, ProtectionStatus.Protected, InspectionTexts.OpenPgpEncrypted(summary.PublicKeys, summary.Passwords))
            {
                Encryption = "openpgp-" + summary.DataPacket,
            },
            OpenPgpContent.SignatureOnly => new Assessment(FileKind.OpenPgp, ProtectionStatus.Protected, InspectionTexts.SignatureOnly),
            OpenPgpContent.NotEncrypted => new Assessment(FileKind.OpenPgp, ProtectionStatus.NotProtected, InspectionTexts.OpenPgpNotEncrypted),
            _ => Assessment.Unknown(FileKind.OpenPgp, UnknownReason.Corrupt, inspector.Limits, "OpenPGP"),
        };
    }
}
