using System.Security.Cryptography;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Hostile;

/// <summary>
/// Hostile frames and floods against <c>pulse serve</c>'s <c>/echo</c>: each gets a bounded, correct answer
/// (a close code, or every ping answered at the rate the peer reads), the server keeps nothing it was sent, and
/// every other connection keeps working.
/// </summary>
[Trait("Category", "Hostile")]
[Collection(nameof(MemoryMeasuredCollection))]
public sealed class HostileFrameTests(HostileServerFixture server) : IClassFixture<HostileServerFixture>
{
    private const long FloodCap = 64L * 1024 * 1024;

    private Task<RawWebSocket> OpenEchoAsync() => RawWebSocket.OpenAsync(server.Port, "/echo");

    /// <summary>
    /// RFC 6455 §10.4: frames declaring 1 GiB, 2^40 and 2^63−1 bytes (the largest a length may be) fail the connection
    /// with 1009 on their header; far less than the declared size is allocated meanwhile (bound: 256 MiB for the
    /// whole process, against at least 1 GiB declared).
    /// </summary>
    [Theory]
    [InlineData(1L << 30)]
    [InlineData(1L << 40)]
    [InlineData(long.MaxValue)]
    public async Task HugeDeclaredLength_FailsWith1009_WithoutAllocatingIt(long declared)
    {
        await using var ws = await OpenEchoAsync();
        var head = new byte[14];
        head[0] = 0x82;
        head[1] = 0x80 | 127;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(head.AsSpan(2), (ulong)declared);
        RandomNumberGenerator.Fill(head.AsSpan(10));
        var allocatedBefore = MemoryBound.AllocatedNow();

        await ws.SendRawAsync(head);
        await ws.SendRawAsync(new byte[64 * 1024]);

        var close = await ws.ReceiveCloseAsync();
        Assert.Equal(1009, close.CloseCode);
        Assert.True(await ws.WaitForTcpCloseAsync(), "the server kept the connection open after 1009");
        var allocated = MemoryBound.AllocatedSince(allocatedBefore);
        Assert.True(allocated < 256L * 1024 * 1024, $"{allocated / 1024 / 1024} MiB allocated while refusing a {declared}-byte frame");
        await server.AssertOthersUnharmedAsync();
    }

    /// <summary>RFC 6455 §5.1, §7.1.7: random bytes after the handshake fail the connection with a close frame (1002, or 1009/1007 when the noise happens to read so) and no crash.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task RandomBytes_FailTheConnection(int seed)
    {
        await using var ws = await OpenEchoAsync();
        var noise = new byte[4096];
        new Random(seed).NextBytes(noise);
        noise[0] = (byte)(noise[0] | 0x70); // RSV bits set: the first frame is invalid whatever follows

        await ws.SendRawAsync(noise);

        var close = await ws.ReceiveCloseAsync();
        Assert.Equal(1002, close.CloseCode);
        Assert.True(await ws.WaitForTcpCloseAsync(), "the server kept the connection open after failing it");
        await server.AssertOthersUnharmedAsync();
    }

    /// <summary>RFC 6455 §5.1: an unmasked client frame fails the connection with 1002.</summary>
    [Fact]
    public async Task UnmaskedFrame_FailsWith1002()
    {
        await using var ws = await OpenEchoAsync();

        await ws.SendFrameAsync(RawFrame.Text, "unmasked"u8, mask: false);

        Assert.Equal(1002, (await ws.ReceiveCloseAsync()).CloseCode);
        await server.AssertOthersUnharmedAsync();
    }

    /// <summary>
    /// RFC 6455 §5.5.2: a flood of 20,000 pings (2.5 MB in one go) is answered with 20,000 pongs in order, read as
    /// fast as this peer reads; the heap stays within the bound.
    /// </summary>
    [Fact]
    public async Task PingFlood_EveryPingAnswered_MemoryBounded()
    {
        const int pings = 20_000;
        var memory = MemoryBound.Start();
        await using var ws = await OpenEchoAsync();
        var frames = new byte[pings][];
        for (var i = 0; i < pings; i++)
        {
            var payload = new byte[125];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(payload, i);
            frames[i] = RawWebSocket.BuildFrame(RawFrame.Ping, payload);
        }

        var sending = Task.Run(() => ws.SendRawAsync(frames.SelectMany(f => f).ToArray()));
        for (var i = 0; i < pings; i++)
        {
            var pong = await ws.ReceiveFrameAsync();
            Assert.True(pong.Opcode == RawFrame.Pong, $"expected pong {i}, got {pong}");
            Assert.Equal(i, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(pong.Payload));
        }

        await sending;
        await ws.SendTextAsync("after the flood");
        Assert.Equal("after the flood", System.Text.Encoding.UTF8.GetString((await ws.ReceiveMessageAsync()).Payload));
        await server.AssertOthersUnharmedAsync();
        memory.AssertWithin();
    }

    /// <summary>
    /// A peer that floods pings and never reads a pong: the server stops reading once its pongs fill the socket
    /// (TCP pushes back on the flooder), so what it holds stays bounded though the peer keeps writing.
    /// </summary>
    [Fact]
    public async Task PingFlood_FromAPeerThatNeverReads_IsPushedBack_MemoryBounded()
    {
        var memory = MemoryBound.Start();
        var ws = await OpenEchoAsync();
        var chunk = Enumerable.Range(0, 1000).SelectMany(_ => RawWebSocket.BuildFrame(RawFrame.Ping, new byte[125])).ToArray();
        using var stop = new CancellationTokenSource();
        long written = 0;
        var flooding = Task.Run(async () =>
        {
            // At most 64 MiB: without backpressure the server would read it all and keep as much in pongs.
            while (!stop.IsCancellationRequested && written < FloodCap)
            {
                await ws.SendRawAsync(chunk);
                written += chunk.Length;
            }
        });

        await Task.WhenAny(flooding, Task.Delay(TimeSpan.FromSeconds(3)));
        var growth = memory.Growth;
        await stop.CancelAsync();
        await ws.DisposeAsync();
        await Task.WhenAny(flooding, Task.Delay(TestTimeouts.Default));

        Assert.True(written < FloodCap, $"the server read {FloodCap / 1024 / 1024} MiB of pings from a peer that read no pong: no backpressure");
        Assert.True(growth <= MemoryBound.DefaultBytes, $"the heap grew by {growth / 1024 / 1024} MiB during the flood (bound {MemoryBound.DefaultBytes / 1024 / 1024} MiB)");
        await server.AssertOthersUnharmedAsync();
        memory.AssertWithin();
    }

    /// <summary>
    /// 300 connections from one address, opened at once and each echoing a message, then all closed: the server
    /// answers every one (or refuses some with 503 under a connection limit), keeps working, and the heap returns within the bound.
    /// </summary>
    [Fact]
    public async Task ConnectionFloodFromOneAddress_AllServedOrRefused_MemoryReturns()
    {
        var memory = MemoryBound.Start();
        var options = new ClientOptions { PingInterval = null, UseProxyFromEnvironment = false, Compression = new CompressionOptions { Enabled = false } };
        var attempts = Enumerable.Range(0, 300).Select(async i =>
        {
            try
            {
                await using var ws = await WebSocketClient.ConnectAsync(server.Ws("/echo"), options).DefaultTimeout();
                await ws.SendAsync($"flood {i}").DefaultTimeout();
                return (await ws.ReceiveAsync().AsTask().DefaultTimeout()).Text == $"flood {i}" ? "echoed" : "wrong echo";
            }
            catch (InvalidStatusException e) when (e.StatusCode == 503)
            {
                return "503";
            }
        }).ToList();

        var outcomes = await Task.WhenAll(attempts);

        Assert.All(outcomes, o => Assert.True(o is "echoed" or "503", o));
        Assert.Contains("echoed", outcomes);
        await server.AssertOthersUnharmedAsync();
        memory.AssertWithin();
    }
}
