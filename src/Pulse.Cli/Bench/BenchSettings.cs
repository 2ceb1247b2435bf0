using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Pulse.Cli.Bench;

/// <summary>
/// What every <c>pulse bench</c> scenario runs with, already checked: each wrong value became a one-line
/// <see cref="UsageException"/> on the way in.
/// </summary>
internal sealed record BenchSettings
{
    /// <summary>The longest warm-up or measured period, in seconds: a run is always bounded.</summary>
    public const double MaxSeconds = 600;

    /// <summary>The largest message size, in bytes.</summary>
    public const int MaxSize = 1024 * 1024;

    /// <summary>The most connections one generator opens.</summary>
    public const int MaxConnections = 100_000;

    public required Uri Url { get; init; }

    /// <summary>Where <see cref="Url"/> points: always a loopback IPv4 address.</summary>
    public required IPEndPoint Server { get; init; }

    /// <summary>Every server given to <c>--url</c>, in order; connection i goes to the (i mod count)-th. Null: <see cref="Url"/> alone.</summary>
    public IReadOnlyList<(Uri Url, IPEndPoint Server)>? Targets { get; init; }

    /// <summary>The server connection <paramref name="index"/> goes to.</summary>
    public (Uri Url, IPEndPoint Server) TargetFor(int index) => Targets is { Count: > 0 } targets ? targets[index % targets.Count] : (Url, Server);

    public required int Connections { get; init; }

    /// <summary>The payload size of each message, in bytes.</summary>
    public required int Size { get; init; }

    public required TimeSpan Duration { get; init; }

    public required TimeSpan Warmup { get; init; }

    public required SourceAddresses Sources { get; init; }

    /// <summary>The server's process id, to read its CPU time from /proc; null when not given.</summary>
    public int? ServerPid { get; init; }

    /// <summary>Print one JSON object instead of the table.</summary>
    public bool Json { get; init; }

    /// <summary>The CPUs to pin the generator to (<c>--pin</c>), as a mask; null to leave it where it is.</summary>
    public ulong? Pin { get; init; }

    /// <summary>The permessage-deflate offer every connection makes (<c>--extensions</c>); null for none.</summary>
    public DeflateOffer? DeflateOffer { get; init; }

    /// <summary>Parses <c>--url</c>: a ws:// URL of a loopback server.</summary>
    public static (Uri Url, IPEndPoint Server) ParseUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != "ws" && url.Scheme != "wss"))
        {
            throw new UsageException($"--url '{value}': not a ws:// URL");
        }

        if (url.Scheme == "wss")
        {
            throw new UsageException($"--url '{value}': pulse bench speaks plain ws:// only");
        }

        // Loopback only, for now: the source addresses are loopback ones (see SourceAddresses).
        IPAddress? address = url.IsLoopback && url.HostNameType == UriHostNameType.Dns ? IPAddress.Loopback : null;
        if (address is null && (!IPAddress.TryParse(url.Host, out address) || address.AddressFamily != AddressFamily.InterNetwork || !IPAddress.IsLoopback(address)))
        {
            throw new UsageException($"--url '{value}': pulse bench reaches loopback IPv4 servers only (127.x.y.z or localhost)");
        }

        return (url, new IPEndPoint(address, url.Port));
    }

    /// <summary>Checks a count flag is within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int InRange(string flag, int value, int min, int max) =>
        value >= min && value <= max
            ? value
            : throw new UsageException($"{flag} {value.ToString(CultureInfo.InvariantCulture)}: must be from {min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)}");

    /// <summary>Checks a number of seconds: finite, above 0 (or 0 itself when <paramref name="allowZero"/>), at most <see cref="MaxSeconds"/>.</summary>
    public static TimeSpan Seconds(string flag, double value, bool allowZero)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (!double.IsFinite(value) || value < 0 || (value == 0 && !allowZero))
        {
            throw new UsageException($"{flag} {text}: must be a {(allowZero ? "non-negative" : "positive")} number of seconds");
        }

        if (value > MaxSeconds)
        {
            throw new UsageException($"{flag} {text}: at most {MaxSeconds.ToString(CultureInfo.InvariantCulture)} seconds (runs are always bounded)");
        }

        return TimeSpan.FromSeconds(value);
    }

    /// <summary>Checks <c>--server-pid</c> names a process whose CPU time /proc shows.</summary>
    public static int? ServerProcess(int? pid)
    {
        if (pid is { } id && (id <= 0 || !ProcessCpu.Exists(id)))
        {
            throw new UsageException($"--server-pid {id.ToString(CultureInfo.InvariantCulture)}: no such process in /proc");
        }

        return pid;
    }
}
