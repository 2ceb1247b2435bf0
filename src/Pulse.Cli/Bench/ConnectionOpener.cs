using System.Diagnostics;

namespace Pulse.Cli.Bench;

/// <summary>Opens a scenario's connections, a bounded number at a time, each from the next source address.</summary>
internal static class ConnectionOpener
{
    // Enough handshakes in flight to keep a server busy, few enough not to overflow its listen backlog.
    private const int Concurrency = 64;

    /// <summary>Opens <see cref="BenchSettings.Connections"/> connections; on any failure closes those opened and throws.</summary>
    /// <exception cref="IOException">A connection failed; the message names which, and why, in one line.</exception>
    public static async Task<(BenchConnection[] Connections, TimeSpan Elapsed)> OpenAllAsync(BenchSettings settings, int receiveBufferSize, CancellationToken cancellationToken)
    {
        var connections = new BenchConnection?[settings.Connections];
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        async Task OpenSomeAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < connections.Length; i = Interlocked.Increment(ref next))
            {
                try
                {
                    connections[i] = await BenchConnection.OpenAsync(settings.Url, settings.Server, settings.Sources.For(i), receiveBufferSize, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    throw new IOException($"connection {i + 1} of {connections.Length}: {e.Message}", e);
                }
            }
        }

        var workers = Enumerable.Range(0, Math.Min(Concurrency, connections.Length)).Select(_ => OpenSomeAsync()).ToArray();
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch
        {
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
