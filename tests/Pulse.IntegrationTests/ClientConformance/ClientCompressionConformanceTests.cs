using System.Text;
using Pulse.Testing;
using static Pulse.IntegrationTests.ClientConformance.ClientConformanceAssert;

namespace Pulse.IntegrationTests.ClientConformance;

/// <summary>
/// Pulse's client with permessage-deflate negotiated against a raw-socket server that compresses with .NET's
/// <see cref="System.IO.Compression.DeflateStream"/> (RFC 7692 §6–§7, Autobahn family 12–13 in the client role).
/// </summary>
[Trait("Category", "Conformance")]
public sealed class ClientCompressionConformanceTests : IAsyncLifetime
{
    private const string Agreed = "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=12; server_no_context_takeover; client_no_context_takeover";

    private readonly RawServerPeer _peer = RawServerPeer.Start();
    private WebSocketConnection _client = null!;
    private RawWebSocket _server = null!;

    public async Task InitializeAsync()
    {
        (_client, _server) = await _peer.OpenAsync(RawServerPeer.Options(compression: true), r => RawServerPeer.Upgrade(r, Agreed));
        Assert.NotNull(_client.Compression);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _client.DisposeAsync();
        await _peer.DisposeAsync();
    }

    /// <summary>RFC 7692 §6.1, §7.2.2: a message with RSV1 set is inflated (00 00 FF FF appended) before delivery.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(3000)]
    public async Task CompressedMessageFromServer_IsInflated(int size)
    {
        var text = Payloads.Utf8Text(size);

        await _server.SendRawAsync(RawWebSocket.BuildFrame(RawFrame.Text, RawServerPeer.Deflate(text), mask: false, rsv: 4));

        await ExpectMessageAsync(_client, MessageType.Text, text);
    }

    /// <summary>RFC 7692 §6.1: a compressed message may be fragmented; RSV1 is on the first frame only.</summary>
    [Fact]
    public async Task FragmentedCompressedMessage_IsInflatedWhole()
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("fragmented and compressed ", 40)));
        var compressed = RawServerPeer.Deflate(text);
        var half = compressed.Length / 2;

        await _server.SendRawAsync(RawWebSocket.BuildFrame(RawFrame.Text, compressed.AsSpan(0, half), fin: false, mask: false, rsv: 4));
        await _server.SendRawAsync(RawWebSocket.BuildFrame(RawFrame.Ping, "mid"u8, mask: false));
        await _server.SendRawAsync(RawWebSocket.BuildFrame(RawFrame.Continuation, compressed.AsSpan(half), mask: false));

        await ExpectPongAsync(_server, "mid"u8.ToArray());
        await ExpectMessageAsync(_client, MessageType.Text, text);
    }

    /// <summary>RFC 7692 §7.2.1: the client compresses what it sends (RSV1 on a masked frame) so that the receiver can inflate it.</summary>
    [Fact]
    public async Task ClientMessage_IsSentCompressed_AndInflatesToTheOriginal()
    {
        var text = string.Concat(Enumerable.Repeat("compress me ", 100));

        await _client.SendAsync(text).DefaultTimeout();

        var frame = await _server.ReceiveFrameAsync();
        Assert.True(frame.Masked && frame.Rsv == 4 && frame.Fin, $"expected a masked compressed frame, got {frame}");
        Assert.True(frame.Payload.Length < text.Length, $"{frame.Payload.Length} bytes for {text.Length} of repetitive text");
        Assert.Equal(text, Encoding.UTF8.GetString(RawServerPeer.Inflate(frame.Payload)));
    }

    /// <summary>RFC 7692 §6.1: RSV1 on a continuation frame fails the connection (1002).</summary>
    [Fact]
    public async Task Rsv1OnContinuation_FailsWith1002()
    {
        await _server.SendRawAsync(RawWebSocket.BuildFrame(RawFrame.Text, "a"u8, fin: false, mask: false));
        await _server.SendRawAsync(RawWebSocket.BuildFrame(RawFrame.Continuation, RawServerPeer.Deflate("b"u8), mask: false, rsv: 4));

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 7692 §6: "RSV1 ... on control frames" has no meaning; a compressed ping fails the connection (1002).</summary>
    [Fact]
    public async Task Rsv1OnPing_FailsWith1002()
    {
        await _server.SendRawAsync(RawWebSocket.BuildFrame(RawFrame.Ping, "p"u8, mask: false, rsv: 4));

        await ExpectClientFailsAsync(_client, _server, CloseCode.ProtocolError);
    }

    /// <summary>RFC 7692 §8.1 with RFC 6455 §7.4.1: data that does not inflate fails the connection (1007).</summary>
    [Fact]
    public async Task CorruptDeflateData_FailsWith1007()
    {
        await _server.SendRawAsync(RawWebSocket.BuildFrame(RawFrame.Binary, [0xFF, 0xFF, 0xFF, 0xFF, 0x00], mask: false, rsv: 4));

        await ExpectClientFailsAsync(_client, _server, CloseCode.InvalidPayloadData);
    }

    /// <summary>RFC 7692 §8 with RFC 6455 §8.1: text that is invalid UTF-8 once inflated fails the connection (1007).</summary>
    [Fact]
    public async Task TextInvalidOnceInflated_FailsWith1007()
    {
        await _server.SendRawAsync(RawWebSocket.BuildFrame(RawFrame.Text, RawServerPeer.Deflate([0x41, 0xC0, 0xAF, 0x42]), mask: false, rsv: 4));

        await ExpectClientFailsAsync(_client, _server, CloseCode.InvalidPayloadData);
    }
}
