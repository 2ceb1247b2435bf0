using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>
/// RFC 7692 §6: the "Per-Message Compressed" bit is RSV1, set "on the first frame of a message" only: "An endpoint
/// MUST NOT set the 'Per-Message Compressed' bit of control frames and non-first fragments of a data message"; and
/// RFC 6455 §5.2: without a negotiated extension that defines it, a nonzero RSV bit fails the connection.
/// </summary>
public class Rfc7692_6_PerMessageCompressedBitTests
{
    private static readonly PerMessageDeflateParameters s_deflate = new();

    [Theory]
    [InlineData(Role.Server, Opcode.Ping)]
    [InlineData(Role.Server, Opcode.Pong)]
    [InlineData(Role.Server, Opcode.Close)]
    [InlineData(Role.Client, Opcode.Ping)]
    [InlineData(Role.Client, Opcode.Close)]
    public void Receive_Rsv1OnAControlFrame_FailsWith1002(Role role, Opcode opcode)
    {
        var harness = new ProtocolHarness(role, compression: s_deflate);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, opcode, [], rsv: 0x40)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
        Assert.Equal("RSV1 set on a control frame", e.Error!.Value.Reason);
    }

    [Theory]
    [InlineData(Role.Server, true)]
    [InlineData(Role.Server, false)]
    [InlineData(Role.Client, true)]
    public void Receive_Rsv1OnAContinuationFrame_FailsWith1002(Role role, bool firstCompressed)
    {
        var harness = new ProtocolHarness(role, compression: s_deflate);
        var compressed = Deflate.CompressIndependently("Hello"u8);
        var first = firstCompressed ? compressed.AsSpan(0, 2) : "He"u8;
        var rest = firstCompressed ? compressed.AsSpan(2) : "llo"u8;

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(role, Opcode.Text, first, fin: false, rsv: firstCompressed ? 0x40 : 0),
            RawFrame.To(role, Opcode.Continuation, rest, rsv: 0x40)));

        ProtocolAssert.Failed(harness, events[^1], CloseCode.ProtocolError);
        Assert.Equal("RSV1 set on a continuation frame", events[^1].Error!.Value.Reason);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_Rsv1WithoutTheExtension_FailsWith1002(Role role)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Text, Deflate.CompressIndependently("Hello"u8), rsv: 0x40)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
        Assert.Equal("reserved bits set", e.Error!.Value.Reason);
    }

    [Theory]
    [InlineData(0x20)]
    [InlineData(0x10)]
    [InlineData(0x60)]
    public void Receive_Rsv2OrRsv3WithTheExtension_FailsWith1002(int rsv)
    {
        var harness = new ProtocolHarness(Role.Server, compression: s_deflate);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Server, Opcode.Text, "Hello"u8, rsv: rsv)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Send_Rsv1OnlyOnCompressedDataFrames_NeverOnControlFrames(Role role)
    {
        var protocol = new WebSocketProtocol(role, 1024, s_deflate, new CompressionOptions { MinimumSize = 0 });
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        protocol.WriteMessage(output, MessageType.Binary, [1, 2, 3]);
        var data = output.WrittenSpan.ToArray();
        output.Clear();
        protocol.WritePing(output, [1]);
        protocol.WritePong(output, [2]);
        protocol.WriteClose(output, CloseCode.NormalClosure, "bye");
        var control = output.WrittenSpan.ToArray();

        Assert.Equal(0xc2, data[0]);
        var peer = new ProtocolHarness(RawFrame.Opposite(role), compression: s_deflate);
        var events = peer.Feed(RawFrame.Concat(data, control));
        Assert.Equal([ProtocolEventKind.Data, ProtocolEventKind.Ping, ProtocolEventKind.Pong, ProtocolEventKind.Close], events.Select(e => e.Kind));
        Assert.Equal([1, 2, 3], events[0].Payload);
    }
}
