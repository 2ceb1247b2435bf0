using System.Text;
using Pulse.Testing;
using static Pulse.IntegrationTests.ClientConformance.ClientConformanceAssert;

namespace Pulse.IntegrationTests.ClientConformance;

/// <summary>
/// Pulse's client role against frames a raw-socket server sends (RFC 6455 §5, §7, §8): the Autobahn families
/// run the other way round. Valid traffic is received intact; every violation fails the connection with the
/// close code the RFC names, the client's close frame masked like all its frames.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class ClientFramingConformanceTests : IAsyncLifetime
{
    private readonly RawServerPeer _peer = RawServerPeer.Start();
    private WebSocketConnection _client = null!;
    private RawWebSocket _server = null!;

    public async Task InitializeAsync() => (_client, _server) = await _peer.OpenAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _client.DisposeAsync();
        await _peer.DisposeAsync();
    }

    private Task Send(int opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = false, int rsv = 0) =>
        _server.SendRawAsync(RawWebSocket.BuildFrame(opcode, payload, fin, mask, rsv));

    /// <summary>RFC 6455 §5.2 (family 1): text and binary frames of every length encoding (7-bit, 16-bit, 64-bit) arrive intact.</summary>
    [Theory]
    [InlineData(MessageType.Text, 0)]
    [InlineData(MessageType.Text, 125)]
    [InlineData(MessageType.Text, 126)]
    [InlineData(MessageType.Binary, 65535)]
    [InlineData(MessageType.Binary, 65536)]
    public async Task Frame_OfEachLengthEncoding_IsReceivedIntact(MessageType type, int size)
    {
        var payload = Payloads.For(type, size);

        await Send((int)type, payload);

        await ExpectMessageAsync(_client, type, payload);
    }

    /// <summary>RFC 6455 §5.1: "A client MUST close a connection if it detects a masked frame" from the server (1002).</summary>
    [Fact]
    public async Task MaskedFrameFromServer_FailsWith1002()
    {
        await Send(RawFrame.Text, "masked"u8, mask: true);

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 6455 §5.2 (family 3): a reserved bit set with no extension negotiated fails the connection (1002), on data and control frames.</summary>
    [Theory]
    [InlineData(RawFrame.Text, 1)]
    [InlineData(RawFrame.Text, 2)]
    [InlineData(RawFrame.Binary, 4)]
    [InlineData(RawFrame.Binary, 7)]
    [InlineData(RawFrame.Ping, 4)]
    [InlineData(RawFrame.Close, 2)]
    public async Task ReservedBits_WithoutExtension_FailWith1002(int opcode, int rsv)
    {
        await Send(opcode, opcode == RawFrame.Close ? RawWebSocket.ClosePayload(1000) : "rsv"u8, rsv: rsv);

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 6455 §5.2 (family 4): opcodes 3–7 and 0xB–0xF are reserved; receiving one fails the connection (1002).</summary>
    [Theory]
    [InlineData(0x3)]
    [InlineData(0x7)]
    [InlineData(0xB)]
    [InlineData(0xF)]
    public async Task ReservedOpcode_FailsWith1002(int opcode)
    {
        await Send(opcode, "reserved"u8);

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 6455 §5.2: a 64-bit length must have its most significant bit 0; with it set the connection fails (1002).</summary>
    [Fact]
    public async Task LengthWithMostSignificantBitSet_FailsWith1002()
    {
        await _server.SendRawAsync(new byte[] { 0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1 });

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 6455 §10.4 and §7.4.1: a frame declaring more than MaxMessageSize fails with 1009 on its header, before its payload is sent.</summary>
    [Fact]
    public async Task DeclaredLengthOverMaxMessageSize_FailsWith1009()
    {
        await _server.SendRawAsync(new byte[] { 0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0 });

        await ExpectClientFailsAsync(_client, _server, CloseCode.MessageTooBig);
    }

    /// <summary>RFC 6455 §5.4 (family 5): a fragmented message with a ping between its fragments is answered with a pong and then delivered whole.</summary>
    [Fact]
    public async Task PingBetweenFragments_IsAnswered_AndTheMessageArrivesWhole()
    {
        await Send(RawFrame.Text, "frag"u8, fin: false);
        await Send(RawFrame.Ping, "in between"u8);
        await Send(RawFrame.Continuation, "ment"u8, fin: false);
        await Send(RawFrame.Pong, "unsolicited"u8);
        await Send(RawFrame.Continuation, "ed"u8);

        await ExpectPongAsync(_server, "in between"u8.ToArray());
        await ExpectMessageAsync(_client, MessageType.Text, "fragmented"u8.ToArray());
    }

    /// <summary>RFC 6455 §5.4: a continuation frame with no message started fails the connection (1002).</summary>
    [Fact]
    public async Task ContinuationWithoutStart_FailsWith1002()
    {
        await Send(RawFrame.Continuation, "orphan"u8);

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 6455 §5.4: a new data frame while a fragmented message is unfinished fails the connection (1002).</summary>
    [Fact]
    public async Task NewMessageBeforeFin_FailsWith1002()
    {
        await Send(RawFrame.Text, "first "u8, fin: false);
        await Send(RawFrame.Text, "second"u8);

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 6455 §5.5: "All control frames ... MUST NOT be fragmented": a ping without FIN fails the connection (1002).</summary>
    [Fact]
    public async Task FragmentedPing_FailsWith1002()
    {
        await Send(RawFrame.Ping, "half"u8, fin: false);

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 6455 §5.5 (family 2): control frames carry at most 125 bytes; a 126-byte ping fails the connection (1002).</summary>
    [Fact]
    public async Task PingOf126Bytes_FailsWith1002()
    {
        await Send(RawFrame.Ping, new byte[126]);

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 6455 §5.5.2–§5.5.3 (family 2): a ping of 0 or 125 bytes gets a masked pong with the same payload.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    public async Task Ping_IsAnsweredWithAMaskedPongOfTheSamePayload(int size)
    {
        var payload = Payloads.Binary(size);

        await Send(RawFrame.Ping, payload);

        await ExpectPongAsync(_server, payload);
    }

    /// <summary>RFC 6455 §8.1 (family 6): a text message that is not UTF-8 fails the connection with 1007.</summary>
    [Fact]
    public async Task InvalidUtf8Text_FailsWith1007()
    {
        await Send(RawFrame.Text, [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64]);

        await ExpectClientFailsAsync(_client, _server, CloseCode.InvalidPayloadData);
    }

    /// <summary>RFC 6455 §8.1, §5.6: invalid UTF-8 in a later fragment fails the connection (1007) even though each earlier fragment was valid.</summary>
    [Fact]
    public async Task InvalidUtf8InALaterFragment_FailsWith1007()
    {
        await Send(RawFrame.Text, "valid start "u8, fin: false);
        await Send(RawFrame.Continuation, [0xF4, 0x90, 0x80, 0x80], fin: false);
        await Send(RawFrame.Continuation, "end"u8);

        await ExpectClientFailsAsync(_client, _server, CloseCode.InvalidPayloadData);
    }

    /// <summary>RFC 6455 §5.6: a code point split across fragments is valid: each byte in its own frame, the message arrives whole.</summary>
    [Fact]
    public async Task CodePointSplitAcrossFragments_ArrivesWhole()
    {
        var text = Encoding.UTF8.GetBytes("κόσμε 𝄞");
        for (var i = 0; i < text.Length; i++)
        {
            await Send(i == 0 ? RawFrame.Text : RawFrame.Continuation, text.AsSpan(i, 1), fin: i == text.Length - 1);
        }

        await ExpectMessageAsync(_client, MessageType.Text, text);
    }

    /// <summary>RFC 6455 §5.5.1, §7.1.5 (family 7): a server's close 1000 with a reason is answered with a masked 1000, and the client reports it as a clean close.</summary>
    [Fact]
    public async Task CloseWithReason_IsEchoed_AndReportedAsClean()
    {
        await Send(RawFrame.Close, RawWebSocket.ClosePayload(1000, "bye ✓"));

        var reply = await _server.ReceiveFrameAsync();
        Assert.True(reply.IsClose && reply.Masked && reply.CloseCode == 1000, $"expected a masked close 1000, got {reply}");
        await _server.DisposeAsync();
        var closed = await Assert.ThrowsAsync<ConnectionClosedOkException>(() => _client.ReceiveAsync().AsTask().DefaultTimeout());
        Assert.Equal(new CloseFrame(CloseCode.NormalClosure, "bye ✓"), closed.Received);
    }

    /// <summary>RFC 6455 §7.1.5, §7.4.1: a close with no body means 1005 (no status) and is answered with an empty or 1000 close.</summary>
    [Fact]
    public async Task CloseWithoutBody_ReportsNoStatusReceived()
    {
        await Send(RawFrame.Close, []);

        var reply = await _server.ReceiveFrameAsync();
        Assert.True(reply.IsClose && reply.Masked && reply.CloseCode is 1005 or 1000, $"expected a masked empty or 1000 close, got {reply}");
        await _server.DisposeAsync();
        var closed = await Assert.ThrowsAnyAsync<ConnectionClosedException>(() => _client.ReceiveAsync().AsTask().DefaultTimeout());
        Assert.Equal(CloseCode.NoStatusReceived, closed.Received?.Code);
    }

    /// <summary>RFC 6455 §7.4.1–§7.4.2 (family 7): codes that must not be sent (0–999, 1004–1006, 1015, 1016–2999 unassigned, 5000+) fail the connection (1002).</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public async Task CloseWithInvalidCode_FailsWith1002(int code)
    {
        await Send(RawFrame.Close, RawWebSocket.ClosePayload(code));

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 6455 §5.5.1: a close body is empty or at least the 2-byte code; one byte fails the connection (1002).</summary>
    [Fact]
    public async Task CloseOfOneByte_FailsWith1002()
    {
        await Send(RawFrame.Close, [0x03]);

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 6455 §5.5.1, §8.1: a close reason must be UTF-8; an invalid one fails the connection (1007).</summary>
    [Fact]
    public async Task CloseReasonNotUtf8_FailsWith1007()
    {
        await Send(RawFrame.Close, [0x03, 0xE8, 0xCE, 0xBA, 0xED, 0xA0, 0x80]);

        await ExpectClientFailsAsync(_client, _server, CloseCode.InvalidPayloadData);
    }

    /// <summary>RFC 6455 §7.4.2: codes 3000–4999 (registered and private) are valid and reported as received.</summary>
    [Theory]
    [InlineData(3000)]
    [InlineData(4999)]
    public async Task CloseWithApplicationCode_IsAccepted(int code)
    {
        await Send(RawFrame.Close, RawWebSocket.ClosePayload(code, "app"));

        var reply = await _server.ReceiveFrameAsync();
        Assert.True(reply.IsClose && reply.Masked, $"expected a masked close, got {reply}");
        await _server.DisposeAsync();
        var closed = await Assert.ThrowsAnyAsync<ConnectionClosedException>(() => _client.ReceiveAsync().AsTask().DefaultTimeout());
        Assert.Equal((CloseCode)code, closed.Received?.Code);
    }

    /// <summary>RFC 6455 §5.3: every frame the client sends is masked.</summary>
    [Fact]
    public async Task ClientFrames_AreMasked()
    {
        await _client.SendAsync("one").DefaultTimeout();
        await _client.SendAsync("two").DefaultTimeout();

        var one = await _server.ReceiveFrameAsync();
        var two = await _server.ReceiveFrameAsync();
        Assert.True(one.Masked && two.Masked, $"unmasked client frames: {one}, {two}");
        Assert.Equal(("one", "two"), (one.PayloadText, two.PayloadText));
    }
}
