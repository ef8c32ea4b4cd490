namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>A message on its way out: the envelope, the headers the gateway adds, and the original bytes.</summary>
/// <param name="QueueId">The queue id, for logs and file names.</param>
/// <param name="Sender">MAIL FROM; empty for the null sender (delivery reports).</param>
/// <param name="Recipients">The recipients still to deliver to.</param>
/// <param name="AddedHeaders">Complete header lines (CRLF-terminated) to put before the original header block.</param>
/// <param name="OpenContent">Opens the message exactly as received (seekable), from this node's spool or from the database.</param>
public sealed record OutboundMessage(string QueueId, string Sender, IReadOnlyList<string> Recipients, string AddedHeaders, Func<CancellationToken, Task<Stream>> OpenContent);
