using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Storage.Incidents;

/// <summary>Where a misdelivery report (誤送信の報告) is in its handling. Stored as these exact words.</summary>
public static class IncidentState
{
    /// <summary>Reported; the security office is working on it.</summary>
    public const string Open = "open";
    /// <summary>Closed with its root cause and corrective action.</summary>
    public const string Closed = "closed";

    /// <summary>The state in Japanese and English; an unknown word is shown as stored.</summary>
    public static LocalizedText Text(string state) => state switch
    {
        Open => new("対応中", "open"),
        Closed => new("完了", "closed"),
        _ => new(state, state),
    };
}
