using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pulse.Testing;

/// <summary>A minimal HTTP CONNECT proxy on loopback (or one that refuses with 407), recording the targets asked for.</summary>
public sealed class TestConnectProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _refuse;
    private readonly Task _accepting;

    public TestConnectProxy(bool refuse = false)
    {
        _refuse = refuse;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Uri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public List<string> Targets { get; } = [];

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }

        var target = head.ToString().Split(' ')[1];
        lock (Targets)
        {
            Targets.Add(target);
        }

        if (_refuse)
        {
            await stream.WriteAsync("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
            return;
        }

        var colon = target.LastIndexOf(':');
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(target[..colon], int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        await stream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray());
        var upstreamStream = upstream.GetStream();
        await Task.WhenAny(stream.CopyToAsync(upstreamStream, _stop.Token), upstreamStream.CopyToAsync(stream, _stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
