using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Pulse.Protocol;
using Pulse.Testing;

namespace Pulse.IntegrationTests;

/// <summary>Issue 3: permessage-deflate (RFC 7692) negotiated on every way in, bounded, and compressed once per broadcast.</summary>
public sealed class CompressionTests
{
    private const string BrowserOffer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";
    private const int Rsv1 = 4;

    [Fact]
    public async Task PulseClientAndServer_NegotiateTheDefaults_AndEcho0BTo16MiB()
    {
        const int Max = 16 * 1024 * 1024;
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { MaxMessageSize = Max });
        await using var ws = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { MaxMessageSize = Max }).DefaultTimeout();

        Assert.Equal(new PerMessageDeflateParameters(true, true, 12, 12), ws.Compression);
        Assert.Equal(ws.Compression, Assert.Single(server.Server.Connections).Compression);
        foreach (var size in new[] { 0, 1, 63, 64, 1000, 65536, 1024 * 1024, Max })
        {
            var text = string.Create(size, 0, static (span, _) => { for (var i = 0; i < span.Length; i++) { span[i] = (char)('a' + (i * 7 % 26)); } });
            await ws.SendAsync(text).DefaultTimeout();
            Assert.Equal(text, (await ws.ReceiveAsync().DefaultTimeout()).Text);

            var bytes = RandomNumberGenerator.GetBytes(size);
            await ws.SendAsync(bytes).DefaultTimeout();
            Assert.Equal(bytes, (await ws.ReceiveAsync().DefaultTimeout()).Data.ToArray());
        }

        await ws.CloseAsync().DefaultTimeout();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MapWebSocket_NegotiatesAndEchoesCompressed_OnBothWaysIn(bool fastPath)
    {
        await using var host = await AspNetApp.StartAsync(fastPath, app => app.MapWebSocket("/ws", async ws =>
        {
            await foreach (var message in ws)
            {
                await ws.SendAsync(message);
            }
        }));
        var port = host.Port;

        await using var raw = await RawWebSocket.OpenAsync(port, "/ws", BrowserOffer);
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"text\":\"hello\"} ", 50)));
        await raw.SendFrameAsync(RawFrame.Text, Compress(payload), rsv: Rsv1);
        var echo = await raw.ReceiveFrameAsync().DefaultTimeout();

        Assert.Equal("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12", raw.Handshake!.Header("Sec-WebSocket-Extensions"));
        Assert.Equal(Rsv1, echo.Rsv);
        Assert.True(echo.Payload.Length < payload.Length / 4);
        Assert.Equal(payload, Inflate(echo.Payload));
        await host.App.StopAsync().DefaultTimeout();
    }

    [Fact]
    public async Task CompressionDisabled_AnswersWithoutTheExtension_AndRsv1Is1002()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { Compression = { Enabled = false } });
        await using var raw = await RawWebSocket.OpenAsync(server.Port, "/", BrowserOffer);

        await raw.SendFrameAsync(RawFrame.Text, Compress("hello"u8), rsv: Rsv1);
        var close = await raw.ReceiveCloseAsync().DefaultTimeout();

        Assert.Null(raw.Handshake!.Header("Sec-WebSocket-Extensions"));
        Assert.Equal(1002, close.CloseCode);
    }

    [Fact]
    public async Task ZipBomb_IsClosedWith1009()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { MaxMessageSize = 1024 * 1024 });
        await using var raw = await RawWebSocket.OpenAsync(server.Port, "/", BrowserOffer);

        await raw.SendFrameAsync(RawFrame.Binary, Compress(new byte[64 * 1024 * 1024]), rsv: Rsv1);
        var close = await raw.ReceiveCloseAsync().DefaultTimeout();

        Assert.Equal(1009, close.CloseCode);
    }

    [Fact]
    public async Task CorruptCompressedData_IsClosedWith1007()
    {
        await using var server = await LoopbackServer.StartEchoAsync();
        await using var raw = await RawWebSocket.OpenAsync(server.Port, "/", BrowserOffer);

        await raw.SendFrameAsync(RawFrame.Binary, [0xff, 0xff, 0xff], rsv: Rsv1);
        var close = await raw.ReceiveCloseAsync().DefaultTimeout();

        Assert.Equal(1007, close.CloseCode);
    }

    [Fact]
    public async Task Rsv1OnAPing_IsClosedWith1002()
    {
        await using var server = await LoopbackServer.StartEchoAsync();
        await using var raw = await RawWebSocket.OpenAsync(server.Port, "/", BrowserOffer);

        await raw.SendFrameAsync(RawFrame.Ping, "x"u8, rsv: Rsv1);
        var close = await raw.ReceiveCloseAsync().DefaultTimeout();

        Assert.Equal(1002, close.CloseCode);
    }

    [Fact]
    public async Task Broadcast_CompressesOnceForLikeRecipients_AndSendsThePlainFrameToOthers()
    {
        var joined = new SemaphoreSlim(0);
        await using var server = await LoopbackServer.StartAsync(async ws =>
        {
            joined.Release();
            await ws.Closed;
        });
        await using var a = await RawWebSocket.OpenAsync(server.Port, "/", BrowserOffer);
        await using var b = await RawWebSocket.OpenAsync(server.Port, "/", BrowserOffer);
        await using var plain = await RawWebSocket.OpenAsync(server.Port);
        for (var i = 0; i < 3; i++)
        {
            await joined.WaitAsync().DefaultTimeout();
        }

        var message = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"user\":\"ann\",\"text\":\"hi all\"} ", 20)));
        var frame = new BroadcastFrame(MessageType.Text, message);
        var queued = 0;
        foreach (var connection in server.Server.Connections)
        {
            queued += connection.TryEnqueueBroadcast(frame, BroadcastPolicy.CloseSlowConsumer) ? 1 : 0;
        }

        var fromA = await a.ReceiveFrameAsync().DefaultTimeout();
        var fromB = await b.ReceiveFrameAsync().DefaultTimeout();
        var fromPlain = await plain.ReceiveFrameAsync().DefaultTimeout();

        Assert.Equal(3, queued);
        Assert.Equal(1, frame.CompressionCount);
        Assert.Equal(Rsv1, fromA.Rsv);
        Assert.Equal(fromA.Payload, fromB.Payload);
        Assert.Equal(message, Inflate(fromA.Payload));
        Assert.Equal(0, fromPlain.Rsv);
        Assert.Equal(message, fromPlain.Payload);
    }

    [Fact]
    public async Task Broadcast_WithContextTakeover_EachRecipientCompressesForItself()
    {
        var options = new ServerOptions { Compression = { ServerNoContextTakeover = false } };
        var joined = new SemaphoreSlim(0);
        await using var server = await LoopbackServer.StartAsync(
            async ws =>
            {
                joined.Release();
                await ws.Closed;
            },
            options);
        await using var a = await RawWebSocket.OpenAsync(server.Port, "/", BrowserOffer);
        await joined.WaitAsync().DefaultTimeout();
        var message = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"text\":\"again\"} ", 20)));

        Assert.Equal(1, Broadcast.Send(server.Server.Connections, message));
        Assert.Equal(1, Broadcast.Send(server.Server.Connections, message));
        var first = await a.ReceiveFrameAsync().DefaultTimeout();
        var second = await a.ReceiveFrameAsync().DefaultTimeout();

        // The second refers back to the first: it is shorter, and inflates only with the first's context.
        Assert.True(second.Payload.Length < first.Payload.Length);
        Assert.Equal([.. message, .. message], Inflate([.. first.Payload, .. PerMessageDeflate.Tail, .. second.Payload]));
    }

    [Theory]
    [InlineData("permessage-deflate; server_max_window_bits=16", "invalid permessage-deflate response")]
    [InlineData("permessage-deflate; server_no_context_takeover; server_max_window_bits=13", "more than the 12 offered")]
    [InlineData("x-foo", "x-foo, which was not offered")]
    public async Task Client_ServerAnswerOutsideTheOffer_FailsTheHandshake(string extensions, string error)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = AnswerOnceAsync(listener, extensions);

        var failure = await Assert.ThrowsAsync<InvalidHandshakeException>(
            () => WebSocketClient.ConnectAsync($"ws://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/")).DefaultTimeout();

        Assert.Contains(error, failure.Message, StringComparison.Ordinal);
        await serving.DefaultTimeout();
    }

    [Fact]
    public async Task Client_CompressionDisabled_OffersNothing_AndTalksPlain()
    {
        await using var server = await LoopbackServer.StartEchoAsync();
        await using var ws = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { Compression = { Enabled = false } }).DefaultTimeout();

        await ws.SendAsync("hello").DefaultTimeout();

        Assert.Null(ws.Compression);
        Assert.False(ws.Request.Headers.Contains("Sec-WebSocket-Extensions"));
        Assert.Equal("hello", (await ws.ReceiveAsync().DefaultTimeout()).Text);
    }

    [Fact]
    public void Options_BadCompressionValue_FailsNamingIt()
    {
        var options = new ServerOptions { Compression = { ServerMaxWindowBits = 16 } };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith("ServerOptions.Compression.ServerMaxWindowBits = 16: must be between 8 and 15.", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(new ClientOptions { Compression = { MemoryLevel = 0 } }.Validate);
        Assert.Throws<ArgumentException>(new ClientOptions { Compression = { MinimumSize = -1 } }.Validate);
    }

    private static async Task AnswerOnceAsync(TcpListener listener, string extensions)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[1];
        while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
        {
            request.Append((char)buffer[0]);
        }

        var key = request.ToString().Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))[18..].Trim();
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        var response = $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Extensions: {extensions}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
        try
        {
            _ = await stream.ReadAsync(buffer);
        }
        catch (IOException)
        {
            // The client drops the connection after refusing the answer.
        }
    }

    private static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);
            deflate.Flush();
        }

        var bytes = output.ToArray();
        var flushed = bytes.AsSpan().LastIndexOf(PerMessageDeflate.Tail);
        return bytes[..flushed];
    }

    private static byte[] Inflate(byte[] compressed)
    {
        using var input = new MemoryStream([.. compressed, .. PerMessageDeflate.Tail]);
        using var inflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflate.CopyTo(output);
        return output.ToArray();
    }
}
