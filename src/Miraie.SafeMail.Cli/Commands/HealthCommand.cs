using System.CommandLine;
using Miraie.SafeMail.Gateway.Health;

namespace Miraie.SafeMail.Cli.Commands;

/// <summary><c>safemail health</c>: whether the listener, the spool, delivery and the retention purge work; exit 0 healthy, 1 not (for monitoring).</summary>
internal static class HealthCommand
{
    public static Command Create(Option<string?> settings)
    {
        var command = new Command("health", "ゲートウェイの稼働状態 / whether the gateway works");
        command.SetAction(async (p, ct) =>
        {
            await using var store = await GatewayStore.OpenAsync(p.GetValue(settings), ct);
            var lines = await HealthCheck.CheckAsync(store.Database, TimeProvider.System, store.Display, ct);
            foreach (var line in lines)
            {
                Console.WriteLine($"{(line.Ok ? "OK " : "NG ")} {line.Text}");
            }

            return lines.All(l => l.Ok) ? 0 : 1;
        });
        return command;
    }
}
