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
        new("bench", "Load-test a server: echo throughput, latency at a fixed rate, broadcast and hub fan-out, idle connections, connection churn.")
        {
            CreateEcho(console),
            CreateLatency(console),
            CreateFanOut(console, hub: false),
            CreateFanOut(console, hub: true),
            CreateIdle(console),
            CreateConnectionScenario(console, "churn", "Connections opened and closed per second (handshake, closing handshake, TCP close), N workers at a time.", 32, ChurnBench.RunAsync),
            Soak.SoakCommand.Create(console),
        };

    private static Command CreateEcho(CliConsole console)
    {
        var shared = new SharedOptions(defaultConnections: 64, "echo");
        var inflight = new Option<int>("--inflight") { Description = "Messages each connection keeps in flight.", DefaultValueFactory = _ => 16 };
        var command = new Command("echo", "Messages per second through an echo endpoint, N connections x M messages in flight.") { inflight };
        shared.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = shared.Read(parse, minSize: 0);
            var count = BenchSettings.InRange("--inflight", parse.GetValue(inflight), 1, 4096);
            return await RunAsync(settings, stop => EchoBench.RunAsync(settings, count, console, stop), console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateLatency(CliConsole console)
    {
        var shared = new SharedOptions(defaultConnections: 1000, "echo");
        var rate = new Option<int>("--rate") { Description = "Messages per second in total, spread evenly over the connections.", DefaultValueFactory = _ => 20_000 };
        var command = new Command("latency", "Round-trip percentiles at a fixed total message rate, measured from each message's due time.") { rate };
        shared.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = shared.Read(parse, minSize: LatencyLoop.ProbeLength);
            var perSecond = BenchSettings.InRange("--rate", parse.GetValue(rate), 1, 10_000_000);
            return await RunAsync(settings, stop => LatencyBench.RunAsync(settings, perSecond, console, stop), console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateFanOut(CliConsole console, bool hub)
    {
        var shared = new SharedOptions(defaultConnections: 2000, hub ? "ws" : "broadcast", defaultSize: 100);
        var window = new Option<int>("--window") { Description = "Messages in flight: sent but not yet delivered to every subscriber.", DefaultValueFactory = _ => 16 };
        var publishers = new Option<int>("--publishers") { Description = "Publishing connections, used in turn.", DefaultValueFactory = _ => hub ? 8 : 1 };
        var rate = new Option<double?>("--publish-rate")
        {
            Description = hub
                ? "Most messages per second per publisher; the hub limits each client's requests (100/s by default). Default 90."
                : "Most messages per second per publisher. Default: no limit but the window.",
        };
        var channel = new Option<string>("--channel") { Description = "The hub channel to subscribe and publish in.", DefaultValueFactory = _ => "bench:fanout" };
        var command = hub
            ? new Command("hub", "Deliveries per second through the hub (/ws, pulse.v1.json): N subscribers of one channel, publishers with a bounded window.") { window, publishers, rate, channel }
            : new Command("broadcast", "Deliveries per second through a relay (/broadcast): N subscribers, publishers with a bounded window.") { window, publishers, rate };
        shared.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var size = parse.GetValue(shared.Size);
            FanOutProtocol protocol = hub ? new FanOutProtocol.Hub(parse.GetValue(channel)!, size) : new FanOutProtocol.Relay(size);
            var settings = shared.Read(parse, minSize: protocol.MinSize);
            var inFlight = BenchSettings.InRange("--window", parse.GetValue(window), 1, 100_000);
            var count = BenchSettings.InRange("--publishers", parse.GetValue(publishers), 1, 1000);
            var perPublisher = parse.GetValue(rate) ?? (hub ? 90 : null);
            if (perPublisher is { } r && (!double.IsFinite(r) || r <= 0))
            {
                throw new UsageException($"--publish-rate {r.ToString(System.Globalization.CultureInfo.InvariantCulture)}: must be a positive number");
            }

            return await RunAsync(settings, stop => FanOutBench.RunAsync(settings, protocol, count, inFlight, perPublisher * count, console, stop), console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateIdle(CliConsole console)
    {
        var shared = new SharedOptions(defaultConnections: 10_000, "echo", defaultSize: 1024);
        var extensions = new Option<string?>("--extensions")
        {
            Description = "A permessage-deflate offer to make, exactly as given: 'permessage-deflate' (Firefox's), 'permessage-deflate; client_max_window_bits' (Chromium's). "
                + "Each connection then sends one --size-byte message, compressed when agreed, and reads its echo before going quiet.",
        };
        var command = new Command("idle", "Handshakes per second opening N connections, then the server's memory per idle connection (--server-pid) while they are held for the duration.") { extensions };
        shared.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = shared.Read(parse, minSize: 0) with { DeflateOffer = parse.GetValue(extensions) is { } offer ? DeflateOffer.Parse(offer) : null };
            return await RunAsync(settings, stop => IdleBench.RunAsync(settings, console, stop), console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>A scenario about connections themselves (churn): only the shared options, messages of no size.</summary>
    private static Command CreateConnectionScenario(CliConsole console, string name, string description, int defaultConnections, Func<BenchSettings, CliConsole, CancellationToken, Task<int>> run)
    {
        var shared = new SharedOptions(defaultConnections, "echo");
        var command = new Command(name, description);
        shared.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = shared.Read(parse, minSize: 0);
            return await RunAsync(settings, stop => run(settings, console, stop), console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    // Ctrl+C and SIGTERM end the measured period early; the summary still prints.
    private static async Task<int> RunAsync(BenchSettings settings, Func<CancellationToken, Task<int>> scenario, CliConsole console, CancellationToken cancellationToken)
    {
        if (settings.Pin is { } mask)
        {
            CpuAffinity.Pin(mask);
        }

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
    private sealed class SharedOptions(int defaultConnections, string defaultPath, int defaultSize = 32)
    {
        private readonly Option<string> _url = new("--url") { Description = "The server's ws:// endpoint (loopback only); several, comma-separated, spread the connections over them in turn (one hub on several nodes).", DefaultValueFactory = _ => "ws://127.0.0.1:8765/" + defaultPath };
        private readonly Option<int> _connections = new("--connections") { Description = "Connections to open (subscribers for broadcast and hub, workers for churn).", DefaultValueFactory = _ => defaultConnections };
        private readonly Option<double> _duration = new("--duration") { Description = $"Seconds measured, at most {BenchSettings.MaxSeconds}.", DefaultValueFactory = _ => 10 };
        private readonly Option<double> _warmup = new("--warmup") { Description = "Seconds of load before measuring, not counted (lets the server's JIT settle).", DefaultValueFactory = _ => 3 };
        private readonly Option<string?> _sources = new("--sources") { Description = "Source addresses to bind connections to, round-robin: 127.0.0.1,127.0.0.2,... Default: 127.0.0.1." };
        private readonly Option<int?> _serverPid = new("--server-pid") { Description = "The server's process id, to report its CPU use from /proc and messages per server CPU-second." };
        private readonly Option<bool> _json = new("--json") { Description = "Print the summary as one JSON object." };
        private readonly Option<string?> _pin = new("--pin") { Description = "CPUs to run the generator on, as taskset takes them: 1, 0,2 or 2-3. Default: wherever it was started." };

        public Option<int> Size { get; } = new("--size") { Description = "Payload bytes per message.", DefaultValueFactory = _ => defaultSize };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _url, _connections, Size, _duration, _warmup, _sources, _serverPid, _json, _pin })
            {
                command.Options.Add(option);
            }
        }

        public BenchSettings Read(ParseResult parse, int minSize)
        {
            var targets = parse.GetValue(_url)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(BenchSettings.ParseUrl).ToArray();
            if (targets.Length == 0)
            {
                throw new UsageException("--url: give at least one ws:// URL");
            }

            return new BenchSettings
            {
                Url = targets[0].Url,
                Server = targets[0].Server,
                Targets = targets,
                Connections = BenchSettings.InRange("--connections", parse.GetValue(_connections), 1, BenchSettings.MaxConnections),
                Size = BenchSettings.InRange("--size", parse.GetValue(Size), minSize, BenchSettings.MaxSize),
                Duration = BenchSettings.Seconds("--duration", parse.GetValue(_duration), allowZero: false),
                Warmup = BenchSettings.Seconds("--warmup", parse.GetValue(_warmup), allowZero: true),
                Sources = parse.GetValue(_sources) is { } sources ? SourceAddresses.Parse(sources) : SourceAddresses.Default,
                ServerPid = BenchSettings.ServerProcess(parse.GetValue(_serverPid)),
                Json = parse.GetValue(_json),
                Pin = parse.GetValue(_pin) is { } pin ? CpuAffinity.ParseList(pin) : null,
            };
        }
    }
}
