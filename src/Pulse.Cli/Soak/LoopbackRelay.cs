using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Pulse.Cli.Soak;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of the server, so the soak can cut connections the way a network does:
/// <see cref="CutRandom"/> resets both sides of some relayed connections at once, with nothing said on the
/// WebSocket level.
/// </summary>
internal sealed class LoopbackRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<long, (Socket Client, Socket Server)> _pipes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _nextId;
    private long _cuts;

    private LoopbackRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start(backlog: 4096);
        _accepting = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections relayed right now.</summary>
    public int Live => _pipes.Count;

    /// <summary>Connections cut so far.</summary>
    public long Cuts => Interlocked.Read(ref _cuts);

    public static LoopbackRelay Start(IPEndPoint target) => new(target);

    /// <summary>Resets each relayed connection with probability <paramref name="fraction"/>; returns how many were cut.</summary>
    public int CutRandom(double fraction, Random random)
    {
        var cut = 0;
        foreach (var (id, pipe) in _pipes)
        {
            if (random.NextDouble() < fraction && _pipes.TryRemove(id, out _))
            {
                Reset(pipe.Client);
                Reset(pipe.Server);
                cut++;
            }
        }

        Interlocked.Add(ref _cuts, cut);
        return cut;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        foreach (var (_, pipe) in _pipes)
        {
            pipe.Client.Dispose();
            pipe.Server.Dispose();
        }

        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        client.NoDelay = true;
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await server.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            client.Dispose();
            server.Dispose();
            return;
        }

        var id = Interlocked.Increment(ref _nextId);
        _pipes[id] = (client, server);
        try
        {
            await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client)).ConfigureAwait(false);
        }
        finally
        {
            _pipes.TryRemove(id, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    // One direction: bytes as they come; an end of stream is passed on as a half-close, a failure ends both sides.
    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            from.Dispose();
            to.Dispose();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // An abortive close (RST), as when a network path dies and the next packet is refused.
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        socket.Dispose();
    }
}
