using System.CommandLine;
using System.Runtime.InteropServices;
using Pulse.Cli.Bench;

namespace Pulse.Cli.Soak;

/// <summary><c>pulse bench soak</c>: flags, checked into <see cref="SoakSettings"/>; exit code 0 when the soak's books balance.</summary>
internal static class SoakCommand
{
    public static Command Create(CliConsole console)
    {
        var duration = new Option<double>("--duration") { Description = $"Seconds of churn, burst and cuts, at most {BenchSettings.MaxSeconds} (settling and checks add at most 90 s).", DefaultValueFactory = _ => 20 };
        var clients = new Option<int>("--clients") { Description = "Short-lived hub clients connecting and leaving at random.", DefaultValueFactory = _ => 1000 };
        var subscribers = new Option<int>("--subscribers") { Description = "Long-lived subscribers whose every delivery is checked.", DefaultValueFactory = _ => 8 };
        var messages = new Option<int>("--messages") { Description = "Small messages published with ack_required in the burst.", DefaultValueFactory = _ => 100_000 };
        var drops = new Option<double>("--drops") { Description = "Share of relayed connections cut every quarter second (0 to 1).", DefaultValueFactory = _ => 0.02 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random choices, to replay a run.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object." };
        var command = new Command("soak", "Hub soak: clients reconnecting at random, a burst of acknowledged messages, network cuts; checks nothing is lost or left behind.")
        {
            duration, clients, subscribers, messages, drops, seed, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dropFraction = parse.GetValue(drops);
            if (dropFraction is < 0 or > 1 || double.IsNaN(dropFraction))
            {
                throw new UsageException($"--drops {dropFraction}: must be between 0 and 1");
            }

            var settings = new SoakSettings
            {
                Duration = BenchSettings.Seconds("--duration", parse.GetValue(duration), allowZero: false),
                Clients = BenchSettings.InRange("--clients", parse.GetValue(clients), 0, 20_000),
                Subscribers = BenchSettings.InRange("--subscribers", parse.GetValue(subscribers), 1, 100),
                Messages = BenchSettings.InRange("--messages", parse.GetValue(messages), 1, 10_000_000),
                DropFraction = dropFraction,
                Seed = parse.GetValue(seed),
                Json = parse.GetValue(json),
            };
            // Ctrl+C and SIGTERM end the run early; it still winds down, prints its books and fails its verdict.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }

            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            return await SoakRun.RunAsync(settings, console, stop.Token).ConfigureAwait(false);
        });
        return command;
    }
}
