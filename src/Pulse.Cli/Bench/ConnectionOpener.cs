using System.Diagnostics;

namespace Pulse.Cli.Bench;

/// <summary>Opens a scenario's connections, a bounded number at a time, each from the next source address.</summary>
internal static class ConnectionOpener
{
    // Enough handshakes in flight to keep a server busy, few enough not to overflow its listen backlog.
    private const int Concurrency = 64;

    private static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Opens <see cref="BenchSettings.Connections"/> connections (plus <paramref name="extra"/>, such as a publisher),
    /// printing how many are open once a second; on any failure closes those opened and throws.
    /// </summary>
    /// <exception cref="IOException">A connection failed; the message names which, and why, in one line.</exception>
    public static async Task<(BenchConnection[] Connections, TimeSpan Elapsed)> OpenAllAsync(
        BenchSettings settings, int receiveBufferSize, CancellationToken cancellationToken, CliConsole? console = null, int extra = 0, IReadOnlyList<string>? subprotocols = null)
    {
        var connections = new BenchConnection?[settings.Connections + extra];
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        var opened = 0;
        async Task OpenSomeAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < connections.Length; i = Interlocked.Increment(ref next))
            {
                try
                {
                    var (url, server) = settings.TargetFor(i);
                    connections[i] = await BenchConnection.OpenAsync(url, server, settings.Sources.For(i), receiveBufferSize, subprotocols, settings.DeflateOffer, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref opened);
                }
                catch (IOException e)
                {
                    throw new IOException($"connection {i + 1} of {connections.Length}: {e.Message}", e);
                }
            }
        }

        var workers = Enumerable.Range(0, Math.Min(Concurrency, connections.Length)).Select(_ => OpenSomeAsync()).ToArray();
        var all = Task.WhenAll(workers);
        try
        {
            // Live progress: opening tens of thousands of connections takes seconds.
            while (await Task.WhenAny(all, Task.Delay(s_progressInterval, cancellationToken)).ConfigureAwait(false) != all)
            {
                if (console is not null && !cancellationToken.IsCancellationRequested)
                {
                    await BenchRun.SayAsync(console, $"opening: {Volatile.Read(ref opened):N0} of {connections.Length:N0} connections open").ConfigureAwait(false);
                }
            }

            await all.ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await all.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The first failure is rethrown below; the rest are the same story.
            }

            foreach (var connection in connections)
            {
                connection?.Dispose();
            }

            // Task.WhenAll rethrows the first failure; that is the one worth a line.
            throw;
        }

        return ([.. connections.Select(c => c!)], Stopwatch.GetElapsedTime(started));
    }
}
