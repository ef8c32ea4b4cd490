namespace Miraie.SafeMail.Web.Dashboard;

/// <summary>What the dashboard says of a node.</summary>
public enum NodeRowState
{
    /// <summary>Reported within the last three intervals.</summary>
    Running,

    /// <summary>No report for three intervals and no graceful stop recorded: crashed, hung, or cut off from the database.</summary>
    NotReporting,

    /// <summary>Stopped on purpose; its queue was handed to the other nodes.</summary>
    Stopped,
}
