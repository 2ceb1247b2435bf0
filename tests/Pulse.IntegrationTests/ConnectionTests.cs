using System.Collections.Concurrent;
using System.Text;
using Pulse.Testing;

namespace Pulse.IntegrationTests;

/// <summary>Issue 2 §5: limits and violations close with the right code; the message loop ends as websockets' does.</summary>
public sealed class ConnectionTests
{
    [Fact]
    public async Task TextAndBinary_RoundTripThroughEcho()
    {
        await using var server = await LoopbackServer.StartEchoAsync();
        await using var ws = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();

        await ws.SendAsync("héllo ✓").DefaultTimeout();
        await ws.SendAsync(new byte[] { 0, 1, 2, 255 }).DefaultTimeout();
        var text = await ws.ReceiveAsync().DefaultTimeout();
        var binary = await ws.ReceiveAsync().DefaultTimeout();

        Assert.Equal(Message.FromText("héllo ✓"), text);
        Assert.Equal(MessageType.Binary, binary.Type);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, binary.Data.ToArray());
    }

    [Fact]
    public async Task OversizedMessage_ClosesWith1009_AndClientLoopEndsWithError()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { MaxMessageSize = 1024 });
        await using var ws = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();

        await ws.SendAsync(new byte[2048]).DefaultTimeout();
        var closed = await Assert.ThrowsAsync<ConnectionClosedErrorException>(() => ws.ReceiveAsync().DefaultTimeout());

        Assert.Equal(CloseCode.MessageTooBig, closed.Received?.Code);
    }

    [Fact]
    public async Task OversizedFragmentedMessage_ClosesWith1009()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { MaxMessageSize = 1000 });
        await using var raw = await RawWebSocket.OpenAsync(server.Port);

        await raw.SendFrameAsync(RawFrame.Binary, new byte[600], fin: false);
        await raw.SendFrameAsync(RawFrame.Continuation, new byte[600]);

        Assert.Equal(1009, (await raw.ReceiveCloseAsync()).CloseCode);
        Assert.True(await raw.WaitForTcpCloseAsync());
    }

    [Fact]
    public async Task InvalidUtf8_ClosesWith1007()
    {
        await using var server = await LoopbackServer.StartEchoAsync();
        await using var raw = await RawWebSocket.OpenAsync(server.Port);

        await raw.SendFrameAsync(RawFrame.Text, [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xED, 0xA0, 0x80]);

        Assert.Equal(1007, (await raw.ReceiveCloseAsync()).CloseCode);
        Assert.True(await raw.WaitForTcpCloseAsync());
    }

    [Fact]
    public async Task ReservedBit_ClosesWith1002()
    {
        await using var server = await LoopbackServer.StartEchoAsync();
        await using var raw = await RawWebSocket.OpenAsync(server.Port);

        await raw.SendFrameAsync(RawFrame.Text, "x"u8, rsv: 2);

        Assert.Equal(1002, (await raw.ReceiveCloseAsync()).CloseCode);
        Assert.True(await raw.WaitForTcpCloseAsync());
    }

    [Fact]
    public async Task HandlerThrows_ClosesOnlyItsConnectionWith1011()
    {
        await using var server = await LoopbackServer.StartAsync(
            async ws =>
            {
                await foreach (var message in ws)
                {
                    if (message.Text == "boom")
                    {
                        throw new InvalidOperationException("the handler failed on purpose");
                    }

                    await ws.SendAsync(message);
                }
            },
            expectHandlerFailures: true);
        await using var victim = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();
        await using var bystander = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();

        await victim.SendAsync("boom").DefaultTimeout();
        var closed = await Assert.ThrowsAsync<ConnectionClosedErrorException>(() => victim.ReceiveAsync().DefaultTimeout());
        await bystander.SendAsync("still here").DefaultTimeout();

        Assert.Equal(CloseCode.InternalError, closed.Received?.Code);
        Assert.Equal("still here", (await bystander.ReceiveAsync().DefaultTimeout()).Text);
    }

    [Fact]
    public async Task NoPongWithinPingTimeout_ClosesWith1011_AndServerLoopEndsWithErrorKind()
    {
        var ended = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(
            async ws =>
            {
                try
                {
                    await foreach (var _ in ws)
                    {
                    }

                    ended.TrySetResult(null);
                }
                catch (Exception e)
                {
                    ended.TrySetResult(e);
                }
            },
            new ServerOptions { PingInterval = TimeSpan.FromMilliseconds(200), PingTimeout = TimeSpan.FromMilliseconds(300) });
        await using var raw = await RawWebSocket.OpenAsync(server.Port); // never answers pings

        var ping = await raw.ReceiveFrameAsync();
        var close = await raw.ReceiveCloseAsync();
        var failure = await ended.Task.DefaultTimeout();

        Assert.Equal(RawFrame.Ping, ping.Opcode);
        Assert.Equal(1011, close.CloseCode);
        var error = Assert.IsType<ConnectionClosedErrorException>(failure);
        Assert.Equal(CloseCode.InternalError, error.Sent?.Code);
        Assert.True(await raw.WaitForTcpCloseAsync());
    }

    [Fact]
    public async Task Keepalive_AnsweredPingsKeepTheConnectionAndMeasureLatency()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { PingInterval = TimeSpan.FromMilliseconds(50), PingTimeout = TimeSpan.FromMilliseconds(2000) });
        await using var ws = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { PingInterval = TimeSpan.FromMilliseconds(50) }).DefaultTimeout();

        var roundTrip = await ws.PingAsync().DefaultTimeout();
        for (var i = 0; i < 100 && ws.Latency == TimeSpan.Zero; i++)
        {
            await Task.Delay(20);
        }

        await ws.SendAsync("alive").DefaultTimeout();
        Assert.Equal("alive", (await ws.ReceiveAsync().DefaultTimeout()).Text);
        Assert.True(roundTrip > TimeSpan.Zero);
        Assert.True(ws.Latency > TimeSpan.Zero);
    }

    [Fact]
    public async Task ClientCloses_ServerLoopEndsQuietly_BothSeeNormalClosure()
    {
        var serverLoop = new TaskCompletionSource<CloseFrame?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(async ws =>
        {
            await foreach (var _ in ws)
            {
            }

            serverLoop.TrySetResult(ws.CloseReceived);
        });
        var client = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();

        await client.CloseAsync(CloseCode.NormalClosure, "bye").DefaultTimeout();

        Assert.Equal(new CloseFrame(CloseCode.NormalClosure, "bye"), await serverLoop.Task.DefaultTimeout());
        Assert.Equal(CloseCode.NormalClosure, client.CloseStatus?.Code);
        await Assert.ThrowsAsync<ConnectionClosedOkException>(() => client.ReceiveAsync().DefaultTimeout());
    }

    [Fact]
    public async Task NormalClose_AwaitForeachEndsWithoutThrowingTheCloseException()
    {
        // Exceptions are recorded process-wide, but only this connection's own close exception is looked for.
        var thrown = new ConcurrentQueue<Exception>();
        void Record(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e) => thrown.Enqueue(e.Exception);
        var thrownByLoop = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        AppDomain.CurrentDomain.FirstChanceException += Record;
        try
        {
            await using var server = await LoopbackServer.StartAsync(async ws =>
            {
                await foreach (var _ in ws)
                {
                }

                // ReceiveAsync after the end throws the connection's one close exception: had the loop thrown it
                // too, it would already be among those recorded.
                var before = thrown.ToArray();
                var closed = await Assert.ThrowsAsync<ConnectionClosedOkException>(() => ws.ReceiveAsync().AsTask());
                thrownByLoop.TrySetResult(before.Any(e => ReferenceEquals(e, closed)));
            });
            var client = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();

            await client.CloseAsync().DefaultTimeout();

            Assert.False(await thrownByLoop.Task.DefaultTimeout());
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }
    }

    [Fact]
    public async Task HandlerReturns_ClientLoopEndsQuietlyWith1000()
    {
        await using var server = await LoopbackServer.StartAsync(ws => ws.SendAsync("only this").AsTask());
        await using var client = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();

        var received = new List<string>();
        await foreach (var message in client)
        {
            received.Add(message.Text);
        }

        Assert.Equal(["only this"], received);
        Assert.Equal(CloseCode.NormalClosure, client.CloseReceived?.Code);
        await client.Closed.DefaultTimeout();
    }

    [Fact]
    public async Task CloseWhileIncomingQueueIsFull_CompletesWithoutWaitingForTheCloseTimeout()
    {
        // The server floods; the client reads nothing, so its queue fills and its receive loop waits for room.
        await using var server = await LoopbackServer.StartAsync(async ws =>
        {
            for (var i = 0; i < 100_000 && ws.State == Protocol.ProtocolState.Open; i++)
            {
                await ws.SendAsync($"message {i}");
            }
        });
        var client = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { MaxQueue = 4, CloseTimeout = TimeSpan.FromMinutes(5) }).DefaultTimeout();
        await Task.Delay(200);

        await client.CloseAsync().DefaultTimeout();

        Assert.Equal(CloseCode.NormalClosure, client.CloseReceived?.Code);
    }

    [Fact]
    public async Task PeerVanishesWithoutClose_LoopEndsWithErrorKind1006()
    {
        var failure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(async ws =>
        {
            try
            {
                await ws.ReceiveAsync();
            }
            catch (Exception e)
            {
                failure.TrySetResult(e);
            }
        });
        var raw = await RawWebSocket.OpenAsync(server.Port);

        await raw.DisposeAsync();
        var error = Assert.IsType<ConnectionClosedErrorException>(await failure.Task.DefaultTimeout());

        Assert.Equal(CloseCode.AbnormalClosure, error.Code);
        Assert.Null(error.Received);
    }

    [Fact]
    public async Task SendAfterClose_ThrowsConnectionClosed()
    {
        await using var server = await LoopbackServer.StartEchoAsync();
        var ws = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();
        await ws.CloseAsync().DefaultTimeout();

        var error = await Assert.ThrowsAsync<ConnectionClosedOkException>(() => ws.SendAsync("late").AsTask());

        Assert.Contains("1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyConcurrentSenders_EveryMessageArrivesWhole()
    {
        var received = new ConcurrentBag<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(async ws =>
        {
            await foreach (var message in ws)
            {
                received.Add(message.Text);
                if (received.Count == 800)
                {
                    done.TrySetResult();
                }
            }
        });
        await using var ws = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await ws.SendAsync($"{sender}:{i}:{new string('x', 100 * (i % 7))}");
            }
        }))).DefaultTimeout();
        await done.Task.DefaultTimeout();

        Assert.Equal(800, received.Distinct().Count());
        Assert.All(received, text => Assert.Matches(@"^\d:\d+:x*$", text));
    }

    [Fact]
    public async Task LargeMessages_EchoIntact()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { MaxMessageSize = 16 * 1024 * 1024 });
        await using var ws = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { MaxMessageSize = 16 * 1024 * 1024 }).DefaultTimeout();
        var payload = new byte[16 * 1024 * 1024];
        new Random(42).NextBytes(payload);
        var text = new StringBuilder().Append('é', 300_000).ToString();

        await ws.SendAsync(payload).DefaultTimeout();
        await ws.SendAsync(text).DefaultTimeout();

        Assert.True((await ws.ReceiveAsync().DefaultTimeout()).Data.Span.SequenceEqual(payload));
        Assert.Equal(text, (await ws.ReceiveAsync().DefaultTimeout()).Text);
    }
}
