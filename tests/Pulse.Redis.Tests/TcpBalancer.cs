using System.Net;
using System.Net.Sockets;

namespace Pulse.Redis.Tests;

/// <summary>
/// A loopback TCP balancer in front of several nodes, as nginx with failover: each new connection goes to the
/// first node that accepts it, so when a node dies its clients' reconnections land on the next one.
/// </summary>
internal sealed class TcpBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int[] _backends;
    private readonly Task _accepting;

    public TcpBalancer(params int[] backendPorts)
    {
        _backends = backendPorts;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ForwardAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var _ = client;
        foreach (var port in _backends)
        {
            using var backend = new TcpClient();
            try
            {
                await backend.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
            }
            catch (SocketException)
            {
                continue; // that node is down: try the next
            }

            using var both = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpAsync(client.GetStream(), backend.GetStream(), both);
            var down = PumpAsync(backend.GetStream(), client.GetStream(), both);
            await Task.WhenAny(up, down);
            await both.CancelAsync();
            return;
        }
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationTokenSource both)
    {
        try
        {
            await from.CopyToAsync(to, both.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
