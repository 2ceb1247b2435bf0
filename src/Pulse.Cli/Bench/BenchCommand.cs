using System.CommandLine;
using System.Runtime.InteropServices;

namespace Pulse.Cli.Bench;

/// <summary>
/// <c>pulse bench</c>: the load generator. Each scenario is a subcommand sharing the connection, size, timing and
/// reporting flags; every run is bounded, prints progress on stderr once a second and a summary (or JSON) on stdout.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console) =>
        new("bench", "Load-test a server: throughput (echo) and latency at a fixed rate.")
        {
            CreateEcho(console),
            CreateLatency(console),
            Soak.SoakCommand.Create(console),
        };

    private static Command CreateEcho(CliConsole console)
    {
        var shared = new SharedOptions(defaultConnections: 64);
        var inflight = new Option<int>("--inflight") { Description = "Messages each connection keeps in flight.", DefaultValueFactory = _ => 16 };
        var command = new Command("echo", "Messages per second through an echo endpoint, N connections x M messages in flight.") { inflight };
        shared.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = shared.Read(parse, minSize: 0);
            var count = BenchSettings.InRange("--inflight", parse.GetValue(inflight), 1, 4096);
            return await RunAsync(stop => EchoBench.RunAsync(settings, count, console, stop), console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateLatency(CliConsole console)
    {
        var shared = new SharedOptions(defaultConnections: 1000);
        var rate = new Option<int>("--rate") { Description = "Messages per second in total, spread evenly over the connections.", DefaultValueFactory = _ => 20_000 };
        var command = new Command("latency", "Round-trip percentiles at a fixed total message rate, measured from each message's due time.") { rate };
        shared.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = shared.Read(parse, minSize: LatencyLoop.ProbeLength);
            var perSecond = BenchSettings.InRange("--rate", parse.GetValue(rate), 1, 10_000_000);
            return await RunAsync(stop => LatencyBench.RunAsync(settings, perSecond, console, stop), console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    // Ctrl+C and SIGTERM end the measured period early; the summary still prints.
    private static async Task<int> RunAsync(Func<CancellationToken, Task<int>> scenario, CliConsole console, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            return await scenario(stop.Token).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await console.Error.WriteLineAsync($"pulse bench: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("pulse bench: stopped before the measured period").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The flags every scenario takes.</summary>
    private sealed class SharedOptions(int defaultConnections)
    {
        private readonly Option<string> _url = new("--url") { Description = "The server's ws:// endpoint (loopback only).", DefaultValueFactory = _ => "ws://127.0.0.1:8765/echo" };
        private readonly Option<int> _connections = new("--connections") { Description = "Connections to open.", DefaultValueFactory = _ => defaultConnections };
        private readonly Option<int> _size = new("--size") { Description = "Payload bytes per message.", DefaultValueFactory = _ => 32 };
        private readonly Option<double> _duration = new("--duration") { Description = $"Seconds measured, at most {BenchSettings.MaxSeconds}.", DefaultValueFactory = _ => 10 };
        private readonly Option<double> _warmup = new("--warmup") { Description = "Seconds of load before measuring, not counted (lets the server's JIT settle).", DefaultValueFactory = _ => 3 };
        private readonly Option<string?> _sources = new("--sources") { Description = "Source addresses to bind connections to, round-robin: 127.0.0.1,127.0.0.2,... Default: 127.0.0.1." };
        private readonly Option<int?> _serverPid = new("--server-pid") { Description = "The server's process id, to report its CPU use from /proc and messages per server CPU-second." };
        private readonly Option<bool> _json = new("--json") { Description = "Print the summary as one JSON object." };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _url, _connections, _size, _duration, _warmup, _sources, _serverPid, _json })
            {
                command.Options.Add(option);
            }
        }

        public BenchSettings Read(ParseResult parse, int minSize)
        {
            var (url, server) = BenchSettings.ParseUrl(parse.GetValue(_url)!);
            return new BenchSettings
            {
                Url = url,
                Server = server,
                Connections = BenchSettings.InRange("--connections", parse.GetValue(_connections), 1, BenchSettings.MaxConnections),
                Size = BenchSettings.InRange("--size", parse.GetValue(_size), minSize, BenchSettings.MaxSize),
                Duration = BenchSettings.Seconds("--duration", parse.GetValue(_duration), allowZero: false),
                Warmup = BenchSettings.Seconds("--warmup", parse.GetValue(_warmup), allowZero: true),
                Sources = parse.GetValue(_sources) is { } sources ? SourceAddresses.Parse(sources) : SourceAddresses.Default,
                ServerPid = BenchSettings.ServerProcess(parse.GetValue(_serverPid)),
                Json = parse.GetValue(_json),
            };
        }
    }
}
