namespace Miraie.SafeMail.Gateway.Incidents;

/// <summary>Settings of misdelivery reports (誤送信の報告, <c>SafeMail:Incidents</c>, ADR-020).</summary>
public sealed class IncidentOptions
{
    /// <summary>The settings section.</summary>
    public const string SectionName = "SafeMail:Incidents";

    /// <summary>
    /// The security office (セキュリティ事務局): the addresses each report is mailed to at once, with the facts and what was
    /// stopped. Default none: reports are still recorded, contained and listed in the console's 誤送信の報告 page, but nobody
    /// is mailed — set it in production. The notice's From and its console link are <c>SafeMail:Waiting:NoticeFrom</c> and
    /// <c>SafeMail:Waiting:ConsoleUrl</c>.
    /// </summary>
    public List<string> SecurityOffice { get; set; } = [];
}
