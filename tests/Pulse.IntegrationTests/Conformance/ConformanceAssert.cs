using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>
/// The outcomes a conformance case can expect from the server, read strictly in order: the next frame must be
/// the one expected, and after a close, the TCP connection must end with no frame after it.
/// </summary>
internal static class ConformanceAssert
{
    /// <summary>The next message is the echo of <paramref name="payload"/>: same opcode, same bytes (in one frame or several).</summary>
    public static async Task ExpectEchoAsync(this RawWebSocket ws, int opcode, byte[] payload)
    {
        var message = await ws.ReceiveMessageAsync();
        Assert.Equal(opcode, message.Opcode);
        Assert.All(message.Frames, AssertServerFrame);
        Assert.True(Payloads.Difference(payload, message.Payload) is null, $"echo of {message}: {Payloads.Difference(payload, message.Payload)}");
    }

    public static Task ExpectEchoAsync(this RawWebSocket ws, int opcode, string text) =>
        ws.ExpectEchoAsync(opcode, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The next frame is a pong carrying exactly <paramref name="payload"/> (RFC 6455 §5.5.3).</summary>
    public static async Task ExpectPongAsync(this RawWebSocket ws, byte[] payload)
    {
        var frame = await ws.ReceiveFrameAsync();
        Assert.True(frame.Opcode == RawFrame.Pong, $"expected a pong, got {frame}");
        AssertServerFrame(frame);
        Assert.Equal(payload, frame.Payload);
    }

    public static Task ExpectPongAsync(this RawWebSocket ws, string payload) => ws.ExpectPongAsync(System.Text.Encoding.UTF8.GetBytes(payload));

    /// <summary>
    /// The server fails the connection (RFC 6455 §7.1.7): its next frame is a close frame with
    /// <paramref name="code"/>; this peer answers it as a well-behaved client would (§5.5.1) unless it sent a
    /// close frame already, and the server then closes TCP, with no frame after its close.
    /// </summary>
    public static async Task ExpectFailureAsync(this RawWebSocket ws, int code, bool closeAlreadySent = false)
    {
        var frame = await ReceiveCloseFrameAsync(ws, $"a close frame with {code}");
        Assert.True(frame.CloseCode == code, $"expected close code {code}, got {frame}");
        if (!closeAlreadySent)
        {
            await AnswerCloseAsync(ws, frame);
        }

        await ws.ExpectTcpClosedAsync();
    }

    /// <summary>
    /// After this peer's close frame: the server's reply is a close frame with <paramref name="code"/>, or with
    /// no body when <paramref name="code"/> is null (§5.5.1), and the server then closes TCP (§7.1.1) with no
    /// frame after its close.
    /// </summary>
    public static async Task ExpectCloseReplyAsync(this RawWebSocket ws, int? code)
    {
        var frame = await ReceiveCloseFrameAsync(ws, code is null ? "a close frame with no body" : $"a close frame with {code}");
        if (code is null)
        {
            Assert.True(frame.Payload.Length == 0, $"expected a close frame with no body, got {frame}");
        }
        else
        {
            Assert.True(frame.CloseCode == code, $"expected close code {code}, got {frame}");
        }

        await ws.ExpectTcpClosedAsync();
    }

    /// <summary>The server ends the TCP connection (end of stream or reset) before any other frame arrives.</summary>
    public static async Task ExpectTcpClosedAsync(this RawWebSocket ws)
    {
        RawFrame extra;
        try
        {
            extra = await ws.ReceiveFrameAsync();
        }
        catch (IOException)
        {
            return;
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server did not close the TCP connection within {TestTimeouts.Default}");
            return;
        }

        Assert.Fail($"expected the server to close the TCP connection, got another frame: {extra}");
    }

    private static async Task<RawFrame> ReceiveCloseFrameAsync(RawWebSocket ws, string expected)
    {
        RawFrame frame;
        try
        {
            frame = await ws.ReceiveFrameAsync();
        }
        catch (IOException e)
        {
            throw new Xunit.Sdk.XunitException($"expected {expected}, but the server closed the TCP connection: {e.Message}");
        }

        Assert.True(frame.IsClose, $"expected {expected}, got {frame}");
        AssertServerFrame(frame);
        return frame;
    }

    private static async Task AnswerCloseAsync(RawWebSocket ws, RawFrame close)
    {
        try
        {
            await ws.SendRawAsync(RawWebSocket.BuildFrame(RawFrame.Close, close.Payload.Length >= 2 ? RawWebSocket.ClosePayload(close.CloseCode) : []));
        }
        catch (IOException)
        {
            // The server may close TCP right after its close frame (RFC 6455 §7.1.1 lets it close first).
        }
    }

    /// <summary>RFC 6455 §5.1–§5.2: a server's frames are never masked, and carry no RSV bit without an extension.</summary>
    private static void AssertServerFrame(RawFrame frame)
    {
        Assert.False(frame.Masked, $"the server masked a frame: {frame}");
        Assert.True(frame.Rsv == 0, $"the server set RSV bits without an extension: {frame}");
    }
}
