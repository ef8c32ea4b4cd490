namespace Miraie.SafeMail.Gateway.Tests.Support;

/// <summary>What one swaks run did.</summary>
/// <param name="ExitCode">0 when the whole transaction succeeded; swaks uses 2x codes for SMTP failures (23: RCPT refused, 25: DATA…).</param>
/// <param name="Transcript">Everything swaks printed: <c>-&gt;</c> lines it sent, <c>&lt;-</c>/<c>&lt;~</c> lines it received, errors.</param>
public sealed record SwaksResult(int ExitCode, string Transcript);
