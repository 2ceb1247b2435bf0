using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Pulse.Testing;

namespace Pulse.IntegrationTests.ClientConformance;

/// <summary>
/// A WebSocket server made of a bare socket, for testing Pulse's client role against answers and frames no
/// correct server sends. Its handshake and framing (and its DEFLATE, done with <see cref="DeflateStream"/>) are
/// written here, independently of Pulse's.
/// </summary>
internal sealed class RawServerPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    private RawServerPeer() => _listener.Start();

    public Uri Uri => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/conformance");

    public static RawServerPeer Start() => new();

    /// <summary>Client options for the cases: no keepalive pings (every client frame answers the test), no proxy, compression as asked.</summary>
    public static ClientOptions Options(bool compression = false) =>
        new() { PingInterval = null, UseProxyFromEnvironment = false, Compression = new CompressionOptions { Enabled = compression } };

    /// <summary>RFC 6455 §4.2.2 item 5.4: base64(SHA-1(key + the GUID)).</summary>
    public static string Accept(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>A correct 101 answer to <paramref name="request"/>, with <paramref name="extraHeaders"/> added.</summary>
    public static string Upgrade(RawHttpRequest request, params string[] extraHeaders) =>
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + $"Sec-WebSocket-Accept: {Accept(request.Header("Sec-WebSocket-Key")!)}\r\n"
        + string.Concat(extraHeaders.Select(h => h + "\r\n")) + "\r\n";

    /// <summary>Lets a client connect, answering its handshake with <paramref name="answer"/> (a correct 101 by default).</summary>
    public async Task<(WebSocketConnection Client, RawWebSocket Server)> OpenAsync(ClientOptions? options = null, Func<RawHttpRequest, string>? answer = null)
    {
        var connecting = WebSocketClient.ConnectAsync(Uri, options ?? Options());
        var server = await RawWebSocket.AcceptAsync(_listener);
        var request = await server.ReadRequestAsync();
        await server.SendRawAsync(Encoding.ASCII.GetBytes((answer ?? (r => Upgrade(r)))(request)));
        return (await connecting.DefaultTimeout(), server);
    }

    /// <summary>The handshake answered with <paramref name="answer"/> fails on the client with an <see cref="InvalidHandshakeException"/>.</summary>
    public async Task<InvalidHandshakeException> HandshakeFailsAsync(Func<RawHttpRequest, string> answer, ClientOptions? options = null)
    {
        var connecting = WebSocketClient.ConnectAsync(Uri, options ?? Options());
        await using var server = await RawWebSocket.AcceptAsync(_listener);
        var request = await server.ReadRequestAsync();
        await server.SendRawAsync(Encoding.ASCII.GetBytes(answer(request)));
        var error = await Assert.ThrowsAnyAsync<InvalidHandshakeException>(() => connecting.DefaultTimeout());

        // RFC 6455 §4.1: "the client MUST _Fail the WebSocket Connection_": the TCP connection ends.
        Assert.True(await server.WaitForTcpCloseAsync(), "the client kept the TCP connection open after a failed handshake");
        return error;
    }

    /// <summary>RFC 7692 §7.2.1: DEFLATE with a sync flush, its trailing 00 00 FF FF removed.</summary>
    public static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            // §7.2.3.6: an empty message may be one 0x00 byte (DeflateStream writes nothing for no input).
            return [0x00];
        }

        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);
            deflate.Flush();
        }

        var bytes = output.ToArray();
        var end = bytes.AsSpan().LastIndexOf((ReadOnlySpan<byte>)[0x00, 0x00, 0xFF, 0xFF]);
        Assert.True(end > 0, "DeflateStream.Flush did not end with a sync flush");
        return bytes[..end];
    }

    /// <summary>RFC 7692 §7.2.2: appends 00 00 FF FF and inflates.</summary>
    public static byte[] Inflate(ReadOnlySpan<byte> compressed)
    {
        using var input = new MemoryStream([.. compressed, 0x00, 0x00, 0xFF, 0xFF]);
        using var inflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflate.CopyTo(output);
        return output.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }
}
