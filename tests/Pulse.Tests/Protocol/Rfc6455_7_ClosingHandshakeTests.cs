using System.Buffers;
using System.Text;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>RFC 6455 §7 and §5.5.1: "If an endpoint receives a Close frame and did not previously send a Close frame, the endpoint MUST send a Close frame in response"; after its close, an endpoint sends no more data.</summary>
public class Rfc6455_7_ClosingHandshakeTests
{
    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_CloseFirst_EchoesTheCodeAndReceivedThenSentIsTrue(Role role)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Close, RawFrame.CloseBody(1001, "bye"u8))));

        Assert.Equal(ProtocolEventKind.Close, e.Kind);
        Assert.Equal(new CloseFrame(CloseCode.GoingAway, "bye"), e.Close);
        Assert.Equal(new CloseFrame(CloseCode.GoingAway, "bye"), harness.Protocol.CloseReceived);
        Assert.Equal(new CloseFrame(CloseCode.GoingAway, ""), harness.Protocol.CloseSent);
        Assert.True(harness.Protocol.ReceivedThenSent);
        Assert.Equal(ProtocolState.Closed, harness.Protocol.State);

        var peer = new ProtocolHarness(RawFrame.Opposite(role));
        var reply = Assert.Single(peer.Feed(harness.TakeReplies()));
        Assert.Equal(new CloseFrame(CloseCode.GoingAway, ""), reply.Close);
    }

    [Fact]
    public void Receive_CloseAtTheServer_WritesTheExactReply()
    {
        var harness = new ProtocolHarness(Role.Server);

        harness.Feed(RawFrame.To(Role.Server, Opcode.Close, RawFrame.CloseBody(1000, "done"u8)));

        Assert.Equal([0x88, 0x02, 0x03, 0xE8], harness.TakeReplies());
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void WriteCloseFirst_ThenTheReply_ReceivedThenSentIsFalse(Role role)
    {
        var harness = new ProtocolHarness(role);
        var output = new ArrayBufferWriter<byte>();

        harness.Protocol.WriteClose(output, CloseCode.NormalClosure, "done");

        Assert.Equal(ProtocolState.Closing, harness.Protocol.State);
        Assert.Equal(new CloseFrame(CloseCode.NormalClosure, "done"), harness.Protocol.CloseSent);
        Assert.Null(harness.Protocol.ReceivedThenSent);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Close, RawFrame.CloseBody(1000))));

        Assert.Equal(ProtocolEventKind.Close, e.Kind);
        Assert.Equal(new CloseFrame(CloseCode.NormalClosure, ""), harness.Protocol.CloseReceived);
        Assert.False(harness.Protocol.ReceivedThenSent);
        Assert.Equal(ProtocolState.Closed, harness.Protocol.State);
        Assert.Empty(harness.TakeReplies());
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void WriteClose_ReadBackByThePeer_CompletesBothSides(Role role)
    {
        var closer = new ProtocolHarness(role);
        var peer = new ProtocolHarness(RawFrame.Opposite(role));
        var output = new ArrayBufferWriter<byte>();

        closer.Protocol.WriteClose(output, CloseCode.GoingAway, "restart");
        var received = Assert.Single(peer.Feed(output.WrittenSpan));
        var answer = Assert.Single(closer.Feed(peer.TakeReplies()));

        Assert.Equal(new CloseFrame(CloseCode.GoingAway, "restart"), received.Close);
        Assert.Equal(ProtocolEventKind.Close, answer.Kind);
        Assert.True(peer.Protocol.ReceivedThenSent);
        Assert.False(closer.Protocol.ReceivedThenSent);
        Assert.Equal(ProtocolState.Closed, peer.Protocol.State);
        Assert.Equal(ProtocolState.Closed, closer.Protocol.State);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_CloseWithoutABody_IsNoStatusAndTheReplyHasNoBody(Role role)
    {
        var harness = new ProtocolHarness(role, maskKey: [9, 8, 7, 6]);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Close, [])));

        Assert.Equal(new CloseFrame(CloseCode.NoStatusReceived, ""), e.Close);
        Assert.Equal(new CloseFrame(CloseCode.NoStatusReceived, ""), harness.Protocol.CloseSent);
        byte[] expected = role == Role.Server ? [0x88, 0x00] : [0x88, 0x80, 9, 8, 7, 6];
        Assert.Equal(expected, harness.TakeReplies());
    }

    [Fact]
    public void WriteCloseAfterReceivingOne_CompletesTheHandshake()
    {
        var harness = new ProtocolHarness(Role.Client);
        var output = new ArrayBufferWriter<byte>();
        harness.Feed(RawFrame.To(Role.Client, Opcode.Close, RawFrame.CloseBody(1000)));

        // The reply was already written, so this call does nothing.
        harness.Protocol.WriteClose(output, CloseCode.GoingAway);

        Assert.Equal(0, output.WrittenCount);
        Assert.True(harness.Protocol.ReceivedThenSent);
        Assert.Equal(CloseCode.NormalClosure, harness.Protocol.CloseSent!.Value.Code);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_CloseBodyOfOneByte_FailsWith1002(Role role)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Close, [0x03])));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
        Assert.Null(harness.Protocol.CloseReceived);
    }

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
    public void Receive_CloseCodeNotValidOnTheWire_FailsWith1002(int code)
    {
        var harness = new ProtocolHarness(Role.Server);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Server, Opcode.Close, RawFrame.CloseBody(code))));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
        Assert.Equal("invalid close code", e.Error!.Value.Reason);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(4999)]
    public void Receive_CloseCodeValidOnTheWire_IsEchoed(int code)
    {
        var harness = new ProtocolHarness(Role.Client);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Client, Opcode.Close, RawFrame.CloseBody(code))));

        Assert.Equal((CloseCode)code, e.Close!.Value.Code);
        Assert.Equal((CloseCode)code, harness.Protocol.CloseSent!.Value.Code);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_CloseReasonNotUtf8_FailsWith1007(Role role)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Close, RawFrame.CloseBody(1000, [0x41, 0xC3]))));

        ProtocolAssert.Failed(harness, e, CloseCode.InvalidPayloadData);
    }

    [Fact]
    public void Receive_CloseWithA123ByteReason_IsAccepted()
    {
        var reason = new string('r', 123);
        var harness = new ProtocolHarness(Role.Server);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Server, Opcode.Close, RawFrame.CloseBody(4000, Encoding.UTF8.GetBytes(reason)))));

        Assert.Equal(new CloseFrame((CloseCode)4000, reason), e.Close);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_AfterClose_ConsumesAndIgnoresEverything(Role role)
    {
        var harness = new ProtocolHarness(role);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(role, Opcode.Close, RawFrame.CloseBody(1000)),
            RawFrame.To(role, Opcode.Text, "after"u8)));
        harness.TakeReplies();

        Assert.Single(events);
        Assert.Empty(harness.Feed(RawFrame.To(role, Opcode.Ping, "p"u8)));
        Assert.Equal(0, harness.UnconsumedLength);
        Assert.Empty(harness.TakeReplies());
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_DataWhileClosing_IsReturnedAsUsual(Role role)
    {
        var harness = new ProtocolHarness(role);
        harness.Protocol.WriteClose(new ArrayBufferWriter<byte>(), CloseCode.NormalClosure);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Text, "in flight"u8)));

        Assert.Equal(ProtocolEventKind.Data, e.Kind);
        Assert.Equal("in flight"u8.ToArray(), e.Payload);
        Assert.Equal(ProtocolState.Closing, harness.Protocol.State);
    }

    [Fact]
    public void Receive_FailureWhileClosing_WritesNoSecondClose()
    {
        var harness = new ProtocolHarness(Role.Server);
        harness.Protocol.WriteClose(new ArrayBufferWriter<byte>(), CloseCode.GoingAway);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Server, 0x5, [])));

        Assert.Equal(ProtocolEventKind.Error, e.Kind);
        Assert.Equal(CloseCode.ProtocolError, e.Error!.Value.Code);
        Assert.Equal(CloseCode.GoingAway, harness.Protocol.CloseSent!.Value.Code);
        Assert.Equal(ProtocolState.Closed, harness.Protocol.State);
        Assert.Empty(harness.TakeReplies());
    }

    [Fact]
    public void WriteClose_Twice_WritesOnce()
    {
        var protocol = new WebSocketProtocol(Role.Server);
        var output = new ArrayBufferWriter<byte>();

        protocol.WriteClose(output, CloseCode.NormalClosure, "first");
        var written = output.WrittenCount;
        protocol.WriteClose(output, CloseCode.GoingAway, "second");

        Assert.Equal(written, output.WrittenCount);
        Assert.Equal(new CloseFrame(CloseCode.NormalClosure, "first"), protocol.CloseSent);
    }

    [Fact]
    public void WriteClose_ServerFrame_IsTheExactBytes()
    {
        var output = new ArrayBufferWriter<byte>();

        new WebSocketProtocol(Role.Server).WriteClose(output, CloseCode.GoingAway, "bye");

        Assert.Equal([0x88, 0x05, 0x03, 0xE9, 0x62, 0x79, 0x65], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteClose_NoStatusReceived_SendsAnEmptyBody()
    {
        var protocol = new WebSocketProtocol(Role.Server);
        var output = new ArrayBufferWriter<byte>();

        protocol.WriteClose(output, CloseCode.NoStatusReceived, "ignored");

        Assert.Equal([0x88, 0x00], output.WrittenSpan.ToArray());
        Assert.Equal(new CloseFrame(CloseCode.NoStatusReceived, ""), protocol.CloseSent);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(5000)]
    public void WriteClose_CodeNotValidOnTheWire_Throws(int code)
    {
        var protocol = new WebSocketProtocol(Role.Client);

        Assert.Throws<ArgumentOutOfRangeException>(() => protocol.WriteClose(new ArrayBufferWriter<byte>(), (CloseCode)code));
        Assert.Null(protocol.CloseSent);
        Assert.Equal(ProtocolState.Open, protocol.State);
    }

    [Theory]
    [InlineData("é", 61)]
    [InlineData("€", 41)]
    [InlineData("😀", 30)]
    [InlineData("a", 123)]
    public void WriteClose_LongReason_IsCutTo123BytesOnACharacterBoundary(string unit, int unitsKept)
    {
        var protocol = new WebSocketProtocol(Role.Server);
        var output = new ArrayBufferWriter<byte>();
        var reason = string.Concat(Enumerable.Repeat(unit, 200));

        protocol.WriteClose(output, CloseCode.NormalClosure, reason);

        var kept = string.Concat(Enumerable.Repeat(unit, unitsKept));
        Assert.Equal(new CloseFrame(CloseCode.NormalClosure, kept), protocol.CloseSent);
        var e = Assert.Single(new ProtocolHarness(Role.Client).Feed(output.WrittenSpan));
        Assert.Equal(kept, e.Close!.Value.Reason);
        Assert.True(output.WrittenCount <= 2 + 125);
    }

    [Fact]
    public void WriteMessage_AfterClose_Throws()
    {
        var protocol = new WebSocketProtocol(Role.Client);
        var output = new ArrayBufferWriter<byte>();
        protocol.WriteClose(output, CloseCode.NormalClosure);

        Assert.Throws<InvalidOperationException>(() => protocol.WriteMessage(output, MessageType.Binary, "x"u8));
        Assert.Throws<InvalidOperationException>(() => protocol.WriteText(output, "x"));
    }

    [Fact]
    public void WriteMessage_AfterAFailure_Throws()
    {
        var harness = new ProtocolHarness(Role.Server);
        harness.Feed(RawFrame.To(Role.Server, 0x3, []));

        Assert.Throws<InvalidOperationException>(() => harness.Protocol.WriteText(new ArrayBufferWriter<byte>(), "x"));
    }

    [Fact]
    public void ReceiveEndOfStream_ClosesAndLaterInputIsIgnored()
    {
        var harness = new ProtocolHarness(Role.Server);

        harness.Protocol.ReceiveEndOfStream();

        Assert.Equal(ProtocolState.Closed, harness.Protocol.State);
        Assert.Null(harness.Protocol.ReceivedThenSent);
        Assert.Empty(harness.Feed(RawFrame.To(Role.Server, Opcode.Text, "late"u8)));
    }

    [Fact]
    public void ReceiveEndOfStream_WhileClosing_Closes()
    {
        var protocol = new WebSocketProtocol(Role.Client);
        protocol.WriteClose(new ArrayBufferWriter<byte>(), CloseCode.NormalClosure);

        protocol.ReceiveEndOfStream();

        Assert.Equal(ProtocolState.Closed, protocol.State);
        Assert.Null(protocol.CloseReceived);
    }
}
