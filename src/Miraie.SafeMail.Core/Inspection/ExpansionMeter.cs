namespace Miraie.SafeMail.Core.Inspection;

/// <summary>Counts what one archive has expanded to, against the ratio limit for its own size.</summary>
internal sealed class ExpansionMeter(InspectionContext context, long archiveSize)
{
    public long Expanded { get; private set; }

    public void Add(long bytes)
    {
        Expanded += bytes;
        context.CheckRatio(Expanded, archiveSize);
    }
}
