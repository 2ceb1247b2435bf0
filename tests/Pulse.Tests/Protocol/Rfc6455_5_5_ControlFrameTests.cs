using System.Buffers;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented"; §5.5.2: a Ping is answered with a Pong "with identical Application data".</summary>
public class Rfc6455_5_5_ControlFrameTests
{
    [Theory]
    [InlineData(Role.Server, 0)]
    [InlineData(Role.Server, 5)]
    [InlineData(Role.Server, 125)]
    [InlineData(Role.Client, 0)]
    [InlineData(Role.Client, 5)]
    [InlineData(Role.Client, 125)]
    public void Receive_Ping_ReturnsItAndWritesAPongWithTheSamePayload(Role role, int length)
    {
        var payload = TestBytes.Pattern(length);
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Ping, payload)));

        Assert.Equal(ProtocolEventKind.Ping, e.Kind);
        Assert.Equal(payload, e.Payload);
        var pong = Assert.Single(new ProtocolHarness(RawFrame.Opposite(role)).Feed(harness.TakeReplies()));
        Assert.Equal(ProtocolEventKind.Pong, pong.Kind);
        Assert.Equal(payload, pong.Payload);
        Assert.Equal(ProtocolState.Open, harness.Protocol.State);
    }

    [Fact]
    public void Receive_PingAtTheServer_WritesTheExactUnmaskedPong()
    {
        var harness = new ProtocolHarness(Role.Server);

        harness.Feed(RawFrame.To(Role.Server, Opcode.Ping, "Hello"u8));

        // RFC 6455 §5.7: "Unmasked Pong response".
        Assert.Equal([0x8a, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], harness.TakeReplies());
    }

    [Fact]
    public void Receive_PingAtTheClient_WritesAMaskedPong()
    {
        var harness = new ProtocolHarness(Role.Client, maskKey: RawFrame.ExampleMaskKey);

        harness.Feed(RawFrame.To(Role.Client, Opcode.Ping, "Hello"u8));

        // RFC 6455 §5.7: "Masked Pong response".
        Assert.Equal([0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], harness.TakeReplies());
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_PingFedByteByByte_IsAnsweredOnceWhole(Role role)
    {
        var harness = new ProtocolHarness(role);

        var events = harness.FeedByteByByte(RawFrame.To(role, Opcode.Ping, TestBytes.Pattern(100)));

        var e = Assert.Single(events);
        Assert.Equal(TestBytes.Pattern(100), e.Payload);
        var pong = Assert.Single(new ProtocolHarness(RawFrame.Opposite(role)).Feed(harness.TakeReplies()));
        Assert.Equal(TestBytes.Pattern(100), pong.Payload);
    }

    [Fact]
    public void Receive_PingSplitOverSegments_IsUnmaskedAndAnswered()
    {
        var harness = new ProtocolHarness(Role.Server);

        var e = Assert.Single(harness.FeedSegmented(RawFrame.To(Role.Server, Opcode.Ping, TestBytes.Pattern(50)), segmentLength: 3));

        Assert.Equal(TestBytes.Pattern(50), e.Payload);
        var pong = Assert.Single(new ProtocolHarness(Role.Client).Feed(harness.TakeReplies()));
        Assert.Equal(TestBytes.Pattern(50), pong.Payload);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_Pong_ReturnsItWithoutAReply(Role role)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Pong, "beat"u8)));

        Assert.Equal(ProtocolEventKind.Pong, e.Kind);
        Assert.Equal("beat"u8.ToArray(), e.Payload);
        Assert.Empty(harness.TakeReplies());
    }

    [Fact]
    public void Receive_PingAfterACloseWasSent_IsReturnedButNotAnswered()
    {
        var harness = new ProtocolHarness(Role.Server);
        harness.Protocol.WriteClose(new ArrayBufferWriter<byte>(), CloseCode.NormalClosure);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Server, Opcode.Ping, "late"u8)));

        Assert.Equal(ProtocolEventKind.Ping, e.Kind);
        Assert.Empty(harness.TakeReplies());
    }

    [Theory]
    [InlineData(Role.Server, Opcode.Ping)]
    [InlineData(Role.Server, Opcode.Pong)]
    [InlineData(Role.Server, Opcode.Close)]
    [InlineData(Role.Client, Opcode.Ping)]
    [InlineData(Role.Client, Opcode.Pong)]
    [InlineData(Role.Client, Opcode.Close)]
    public void Receive_ControlFrameLongerThan125Bytes_FailsWith1002(Role role, Opcode opcode)
    {
        var harness = new ProtocolHarness(role);
        var frame = RawFrame.To(role, opcode, new byte[126]);

        // The 7-bit length already says 126: no need to wait for the extended length.
        var e = Assert.Single(harness.Feed(frame.AsSpan(0, 2)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
        Assert.Equal("control frame too long", e.Error!.Value.Reason);
    }

    [Theory]
    [InlineData(Role.Server, Opcode.Ping)]
    [InlineData(Role.Server, Opcode.Pong)]
    [InlineData(Role.Server, Opcode.Close)]
    [InlineData(Role.Client, Opcode.Ping)]
    [InlineData(Role.Client, Opcode.Pong)]
    [InlineData(Role.Client, Opcode.Close)]
    public void Receive_FragmentedControlFrame_FailsWith1002(Role role, Opcode opcode)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, opcode, [], fin: false)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
        Assert.Equal("fragmented control frame", e.Error!.Value.Reason);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void WritePing_ReadBackByThePeer_IsAPing(Role writer)
    {
        var output = new ArrayBufferWriter<byte>();
        new WebSocketProtocol(writer).WritePing(output, TestBytes.Pattern(125));

        var e = Assert.Single(new ProtocolHarness(RawFrame.Opposite(writer)).Feed(output.WrittenSpan));

        Assert.Equal(ProtocolEventKind.Ping, e.Kind);
        Assert.Equal(TestBytes.Pattern(125), e.Payload);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void WritePong_ReadBackByThePeer_IsAPong(Role writer)
    {
        var output = new ArrayBufferWriter<byte>();
        new WebSocketProtocol(writer).WritePong(output, "unsolicited"u8);

        var e = Assert.Single(new ProtocolHarness(RawFrame.Opposite(writer)).Feed(output.WrittenSpan));

        Assert.Equal(ProtocolEventKind.Pong, e.Kind);
        Assert.Equal("unsolicited"u8.ToArray(), e.Payload);
    }

    [Fact]
    public void WritePing_MoreThan125Bytes_Throws()
    {
        var protocol = new WebSocketProtocol(Role.Client);

        Assert.Throws<ArgumentException>(() => protocol.WritePing(new ArrayBufferWriter<byte>(), new byte[126]));
    }

    [Fact]
    public void WritePong_MoreThan125Bytes_Throws()
    {
        var protocol = new WebSocketProtocol(Role.Server);

        Assert.Throws<ArgumentException>(() => protocol.WritePong(new ArrayBufferWriter<byte>(), new byte[126]));
    }
}
