using System.Net;
using System.Net.Sockets;

namespace Pulse.InteropTests;

/// <summary>
/// A TCP relay on loopback in front of a server that counts the bytes each way: what a peer and the server really
/// put on the wire, so a test can tell compressed messages from uncompressed ones without trusting either end.
/// </summary>
internal sealed class CountingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private long _toServer;
    private long _toClient;

    public CountingRelay(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes from the peers to the server so far, handshakes included.</summary>
    public long BytesToServer => Interlocked.Read(ref _toServer);

    /// <summary>Bytes from the server to the peers so far, handshakes included.</summary>
    public long BytesToClient => Interlocked.Read(ref _toClient);

    public Uri Uri(string path) => new($"ws://127.0.0.1:{Port}{path}");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_pumps)
                {
                    _pumps.Add(RelayAsync(client));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using (client)
        using (var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
                await Task.WhenAll(PumpAsync(client, server, bytes => Interlocked.Add(ref _toServer, bytes)), PumpAsync(server, client, bytes => Interlocked.Add(ref _toClient, bytes)));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // The server is gone or the relay stopped: the peer sees its connection drop.
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to, Action<int> count)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                count(read);
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // One side closed or reset; the other pump ends on its own.
            try
            {
                to.Shutdown(SocketShutdown.Both);
            }
            catch (Exception closed) when (closed is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
