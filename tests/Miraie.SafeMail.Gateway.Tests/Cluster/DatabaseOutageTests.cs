using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using Miraie.SafeMail.Gateway.Tests.Support;

namespace Miraie.SafeMail.Gateway.Tests.Cluster;

/// <summary>
/// PostgreSQL goes away in the middle of a load and comes back: clients get 4xx meanwhile (and keep their mail, as a
/// real MTA does), nothing answered 250 is lost, and the same gateway process takes mail again without a restart.
/// The server is a cluster of the test's own (halting the shared one would break the other tests).
/// </summary>
[Category("PostgreSql")]
public class DatabaseOutageTests
{
    private const int Senders = 4;
    private const int PerSender = 15;

    [Test]
    public async Task PostgreSql_stopped_mid_load_gets_4xx_loses_nothing_and_service_resumes_by_itself()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>(server.Settings));
        var acknowledged = new ConcurrentDictionary<string, string>(); // subject -> queue id
        var refusals = new ConcurrentBag<int>();
        var otherErrors = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var halfway = new TaskCompletionSource();

        async Task SendAllAsync(int sender)
        {
            for (var i = 0; i < PerSender; i++)
            {
                var subject = $"load {sender}-{i}";
                while (!acknowledged.ContainsKey(subject))
                {
                    stop.Token.ThrowIfCancellationRequested();
                    try
                    {
                        var reply = await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], subject),
                            "tanaka@example.co.jp", "suzuki@example.co.jp");
                        acknowledged[subject] = Mailer.QueueIdOf(reply);
                        if (acknowledged.Count >= Senders * PerSender / 3)
                        {
                            halfway.TrySetResult();
                        }
                    }
                    catch (SmtpCommandException e) when ((int)e.StatusCode is >= 400 and < 500)
                    {
                        refusals.Add((int)e.StatusCode); // the client keeps the message and tries again, as an MTA does
                        await Task.Delay(200);
                    }
                    catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException)
                    {
                        otherErrors.Add(e.GetType().Name + ": " + e.Message);
                        await Task.Delay(200);
                    }
                }
            }
        }

        var load = Enumerable.Range(0, Senders).Select(s => Task.Run(() => SendAllAsync(s))).ToList();
        await halfway.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await server.HaltAsync();
        var atHalt = acknowledged.Count;
        await Task.Delay(TimeSpan.FromSeconds(4));
        var duringOutage = acknowledged.Count - atHalt;
        await server.ResumeAsync();
        await Task.WhenAll(load);

        refusals.Should().NotBeEmpty("while PostgreSQL was down, mail was answered 4xx");
        refusals.Should().OnlyContain(code => code == 451);
        otherErrors.Should().BeEmpty("the gateway answered every message, 250 or 451; it never dropped a session or said 5xx");
        duringOutage.Should().BeLessThanOrEqualTo(Senders, "at most the batch committed as the server went down was acknowledged after the halt");
        acknowledged.Should().HaveCount(Senders * PerSender, "after PostgreSQL came back the same process accepted the rest");

        // Every message answered 250 reaches the upstream; a duplicate (a commit whose reply was lost with the server) is reported, not hidden.
        var delivered = await gateway.WaitForPickupAsync(Senders * PerSender, TimeSpan.FromMinutes(2));
        var deliveredSubjects = delivered.Select(f => MimeKit.MimeMessage.Load(f).Subject).ToList();
        deliveredSubjects.Distinct().Should().BeEquivalentTo(acknowledged.Keys, "nothing acknowledged is lost");
        TestContext.Out.WriteLine($"acknowledged {acknowledged.Count}, 451 answers {refusals.Count}, delivered {delivered.Count}, " +
                                  $"duplicates {delivered.Count - deliveredSubjects.Distinct().Count()}");
    }
    [Test]
    public async Task After_a_restart_ready_stays_ready_and_mail_is_taken_at_once_without_a_451_per_dead_pooled_connection()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>(server.Settings), observability: true);

        // Several messages at once: the pool holds several idle connections, all of which the restart kills.
        async Task<List<int>> SendBurstAsync(string label) => [.. await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], $"{label} {i}"),
                    "tanaka@example.co.jp", "suzuki@example.co.jp");
                return 250;
            }
            catch (SmtpCommandException e)
            {
                return (int)e.StatusCode;
            }
        }))];

        (await SendBurstAsync("before")).Should().OnlyContain(code => code == 250);
        (await gateway.WaitForPickupAsync(6, TimeSpan.FromSeconds(30))).Should().HaveCount(6);

        await server.HaltAsync();
        await server.ResumeAsync();
        (await PrometheusText.HealthUntilAsync(gateway.Observability, "/health/ready", 200)).Code.Should().Be(200, "the gateway recovers by itself");

        // Once ready, ready it stays (a probe per second, each on a pooled connection), and mail is taken at once.
        var answers = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add((await PrometheusText.HealthAsync(gateway.Observability, "/health/ready")).Code);
            await Task.Delay(ReadinessProbeGap);
        }

        answers.Should().OnlyContain(code => code == 200, "a dead pooled connection must not make a recovered node flap");
        (await SendBurstAsync("after")).Should().OnlyContain(code => code == 250, "after the first failure the dead connections are let go, not tried one by one");
    }

    [Test]
    public async Task The_first_message_after_a_restart_is_taken_not_refused_for_the_dead_connection_the_writer_kept()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>(server.Settings));
        await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "before"),
            "tanaka@example.co.jp", "suzuki@example.co.jp");

        await server.HaltAsync();
        await server.ResumeAsync();

        // The server is back; the store writer's own connection died with the old one. Nothing of the batch ran on it, so
        // the batch runs again on a new connection instead of answering 451.
        var reply = await Mailer.SendAsync(gateway.Smtp, TestMessages.Mail("tanaka@example.co.jp", ["suzuki@example.co.jp"], "after"),
            "tanaka@example.co.jp", "suzuki@example.co.jp");
        Mailer.QueueIdOf(reply).Should().NotBeNullOrEmpty();
        (await gateway.WaitForPickupAsync(2, TimeSpan.FromSeconds(30))).Should().HaveCount(2);
    }

    /// <summary>A little more than the readiness result's reuse time, so that every answer is a new probe.</summary>
    private static readonly TimeSpan ReadinessProbeGap = Miraie.SafeMail.Gateway.Observability.ReadinessChecks.Reuse + TimeSpan.FromMilliseconds(100);
}
