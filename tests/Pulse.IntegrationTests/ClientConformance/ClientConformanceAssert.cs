using Pulse.Testing;

namespace Pulse.IntegrationTests.ClientConformance;

/// <summary>What a case expects of Pulse's client, seen from both ends: the raw server's socket and the client's API.</summary>
internal static class ClientConformanceAssert
{
    /// <summary>
    /// The client fails the connection (RFC 6455 §7.1.7): its next frame is a masked close frame with
    /// <paramref name="code"/> (§5.1, §5.3), it then ends the TCP connection, and its reader sees the error.
    /// </summary>
    public static async Task ExpectClientFailsAsync(WebSocketConnection client, RawWebSocket server, CloseCode code)
    {
        var frame = await server.ReceiveFrameAsync();
        Assert.True(frame.IsClose, $"expected a close frame with {(int)code}, got {frame}");
        Assert.True(frame.Masked, $"the client sent an unmasked frame: {frame}");
        Assert.True(frame.CloseCode == (int)code, $"expected close code {(int)code}, got {frame}");
        Assert.True(await server.WaitForTcpCloseAsync(), "the client did not end the TCP connection after failing it");

        var error = await Assert.ThrowsAsync<ConnectionClosedErrorException>(() => client.ReceiveAsync().AsTask().DefaultTimeout());
        Assert.Equal(code, error.Sent?.Code);
        await client.Closed.DefaultTimeout();
    }

    /// <summary>The client receives one message of <paramref name="type"/> with exactly <paramref name="payload"/>.</summary>
    public static async Task ExpectMessageAsync(WebSocketConnection client, MessageType type, byte[] payload)
    {
        var message = await client.ReceiveAsync().AsTask().DefaultTimeout();
        Assert.Equal(type, message.Type);
        Assert.True(Payloads.Difference(payload, message.Data.ToArray()) is null, $"received {message.Type}: {Payloads.Difference(payload, message.Data.ToArray())}");
    }

    /// <summary>The next client frame is a masked pong echoing <paramref name="payload"/> (RFC 6455 §5.5.3).</summary>
    public static async Task ExpectPongAsync(RawWebSocket server, byte[] payload)
    {
        var frame = await server.ReceiveFrameAsync();
        Assert.True(frame.Opcode == RawFrame.Pong && frame.Masked, $"expected a masked pong, got {frame}");
        Assert.Equal(payload, frame.Payload);
    }
}
