using System.Text;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>RFC 6455 §5.2: "FIN, RSV1-3, opcode, MASK, payload length (7, 7+16 or 7+64 bits), masking key, payload."</summary>
public class Rfc6455_5_2_BaseFramingTests
{
    public static TheoryData<Role, int> LengthsForBothRoles()
    {
        var data = new TheoryData<Role, int>();
        foreach (var role in new[] { Role.Server, Role.Client })
        {
            // 7-bit up to 125, 16-bit from 126 to 65535, 64-bit from 65536.
            foreach (var length in new[] { 0, 1, 125, 126, 127, 1000, 65535, 65536, 70001 })
            {
                data.Add(role, length);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LengthsForBothRoles))]
    public void Receive_EveryLengthEncoding_ReturnsWholePayload(Role role, int length)
    {
        var payload = TestBytes.Pattern(length);
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Binary, payload)));

        Assert.Equal(ProtocolEventKind.Data, e.Kind);
        Assert.Equal(MessageType.Binary, e.MessageType);
        Assert.True(e.StartOfMessage);
        Assert.True(e.EndOfMessage);
        Assert.Equal(length, e.MessageLengthHint);
        Assert.Equal(payload, e.Payload);
        Assert.Equal(0, harness.UnconsumedLength);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_FrameFedByteByByte_AssemblesPayload(Role role)
    {
        // 300 bytes: a 16-bit length, and a masked payload that crosses the key cycle many times.
        var payload = TestBytes.Pattern(300);
        var harness = new ProtocolHarness(role);

        var events = harness.FeedByteByByte(RawFrame.To(role, Opcode.Binary, payload));

        Assert.Equal(payload, ProtocolAssert.Assemble(events));
        Assert.Equal(300, events.Count);
        Assert.True(events[0].StartOfMessage);
        Assert.All(events.Skip(1), e => Assert.False(e.StartOfMessage));
        Assert.True(events[^1].EndOfMessage);
        Assert.All(events.SkipLast(1), e => Assert.False(e.EndOfMessage));
    }

    [Theory]
    [InlineData(Role.Server, 1)]
    [InlineData(Role.Server, 2)]
    [InlineData(Role.Server, 3)]
    [InlineData(Role.Client, 1)]
    [InlineData(Role.Client, 2)]
    [InlineData(Role.Client, 3)]
    public void Receive_FramesFedInRandomChunks_AssembleEveryMessage(Role role, int seed)
    {
        var messages = new[] { TestBytes.Pattern(0), TestBytes.Pattern(5), TestBytes.Pattern(125), TestBytes.Pattern(126), TestBytes.Pattern(4000), TestBytes.Pattern(70000) };
        var wire = RawFrame.Concat([.. messages.Select(m => RawFrame.To(role, Opcode.Binary, m))]);
        var harness = new ProtocolHarness(role);

        var events = harness.FeedInRandomChunks(wire, seed, maxChunk: 700);

        Assert.Equal(messages, ProtocolAssert.SplitMessages(events));
        Assert.Equal(0, harness.UnconsumedLength);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_InputSplitInTwoAtEveryBoundary_GivesTheSameMessages(Role role)
    {
        var text = Encoding.UTF8.GetBytes("fragmented ünïcödé: €😀");
        var binary = TestBytes.Pattern(300);
        var wire = RawFrame.Concat(
            RawFrame.To(role, Opcode.Text, text.AsSpan(0, 15), fin: false),
            RawFrame.To(role, Opcode.Ping, "between"u8),
            RawFrame.To(role, Opcode.Continuation, text.AsSpan(15)),
            RawFrame.To(role, Opcode.Binary, binary),
            RawFrame.To(role, Opcode.Binary, []));

        for (var split = 0; split <= wire.Length; split++)
        {
            var harness = new ProtocolHarness(role);

            var events = harness.FeedInChunks(wire, [split]);

            Assert.Equal([text, binary, []], ProtocolAssert.SplitMessages(events));
            Assert.Single(events, e => e.Kind == ProtocolEventKind.Ping);
            Assert.Equal(3, events.Count(e => e.StartOfMessage));
            Assert.Equal(0, harness.UnconsumedLength);
        }
    }

    [Theory]
    [InlineData(Role.Server, 1)]
    [InlineData(Role.Server, 3)]
    [InlineData(Role.Client, 1)]
    [InlineData(Role.Client, 5)]
    public void Receive_ManySmallSegmentsInOneInput_AssemblesPayload(Role role, int segmentLength)
    {
        var payload = TestBytes.Pattern(200);
        var harness = new ProtocolHarness(role);

        var events = harness.FeedSegmented(RawFrame.To(role, Opcode.Binary, payload), segmentLength);

        var e = Assert.Single(events);
        Assert.Equal(payload, e.Payload);
        Assert.True(e.StartOfMessage && e.EndOfMessage);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_IncompleteHeader_ConsumesNothing(Role role)
    {
        var frame = RawFrame.To(role, Opcode.Binary, TestBytes.Pattern(300));
        var harness = new ProtocolHarness(role);

        // 2 + 2 (16-bit length) + 4 (key, when masked), less one.
        var headerLength = role == Role.Server ? 8 : 4;
        Assert.Empty(harness.Feed(frame.AsSpan(0, headerLength - 1)));
        Assert.Equal(headerLength - 1, harness.UnconsumedLength);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_HeaderWithoutPayload_ReturnsNothingYet(Role role)
    {
        var frame = RawFrame.To(role, Opcode.Binary, TestBytes.Pattern(10));
        var harness = new ProtocolHarness(role);

        Assert.Empty(harness.Feed(frame.AsSpan(0, frame.Length - 10)));
        var e = Assert.Single(harness.Feed(frame.AsSpan(frame.Length - 10)));
        Assert.Equal(TestBytes.Pattern(10), e.Payload);
        Assert.True(e.StartOfMessage);
        Assert.Equal(10, e.MessageLengthHint);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_PartOfAFrame_ReturnsTheChunkWithoutWaiting(Role role)
    {
        var frame = RawFrame.To(role, Opcode.Binary, TestBytes.Pattern(1000));
        var harness = new ProtocolHarness(role);

        var first = Assert.Single(harness.Feed(frame.AsSpan(0, frame.Length - 600)));
        var second = Assert.Single(harness.Feed(frame.AsSpan(frame.Length - 600)));

        Assert.Equal(400, first.Payload.Length);
        Assert.True(first.StartOfMessage);
        Assert.False(first.EndOfMessage);
        Assert.Equal(1000, first.MessageLengthHint);
        Assert.Equal(600, second.Payload.Length);
        Assert.False(second.StartOfMessage);
        Assert.True(second.EndOfMessage);
        Assert.Equal(-1, second.MessageLengthHint);
        Assert.Equal(TestBytes.Pattern(1000), first.Payload.Concat(second.Payload).ToArray());
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_EmptyMessage_ReturnsEmptyDataThatEndsTheMessage(Role role)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Text, [])));

        Assert.Equal(ProtocolEventKind.Data, e.Kind);
        Assert.Equal(MessageType.Text, e.MessageType);
        Assert.Empty(e.Payload);
        Assert.True(e.StartOfMessage);
        Assert.True(e.EndOfMessage);
        Assert.Equal(0, e.MessageLengthHint);
    }

    [Theory]
    [InlineData(Role.Server, 0x40)]
    [InlineData(Role.Server, 0x20)]
    [InlineData(Role.Server, 0x10)]
    [InlineData(Role.Client, 0x40)]
    [InlineData(Role.Client, 0x20)]
    [InlineData(Role.Client, 0x10)]
    public void Receive_ReservedBitSet_FailsWith1002(Role role, int rsv)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Text, "hi"u8, rsv: rsv)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
    }

    [Theory]
    [InlineData(0x3)]
    [InlineData(0x4)]
    [InlineData(0x5)]
    [InlineData(0x6)]
    [InlineData(0x7)]
    [InlineData(0xB)]
    [InlineData(0xC)]
    [InlineData(0xD)]
    [InlineData(0xE)]
    [InlineData(0xF)]
    public void Receive_ReservedOpcode_FailsWith1002(int opcode)
    {
        var harness = new ProtocolHarness(Role.Server);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Server, opcode, "x"u8)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
        Assert.Equal("reserved opcode", e.Error!.Value.Reason);
    }

    [Fact]
    public void Receive_ReservedOpcode_FailsOnTheFirstTwoBytes()
    {
        var harness = new ProtocolHarness(Role.Client);

        var e = Assert.Single(harness.Feed([0x83, 0x7F]));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
    }

    [Fact]
    public void Receive_64BitLengthWithHighBitSet_FailsWith1002()
    {
        var harness = new ProtocolHarness(Role.Client);

        var e = Assert.Single(harness.Feed(RawFrame.Header64(Opcode.Binary, 0x8000_0000_0000_0000)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
    }

    [Fact]
    public void Receive_FailureReply_IsTheExactCloseFrame()
    {
        var harness = new ProtocolHarness(Role.Server);

        harness.Feed(RawFrame.To(Role.Server, 0x3, []));

        // Unmasked from a server: FIN + close, length 17, 1002, "reserved opcode".
        byte[] expected = [0x88, 17, 0x03, 0xEA, .. "reserved opcode"u8];
        Assert.Equal(expected, harness.TakeReplies());
    }

    [Fact]
    public void Receive_FailureReplyFromClient_IsMaskedWithItsKey()
    {
        byte[] key = [1, 2, 3, 4];
        var harness = new ProtocolHarness(Role.Client, maskKey: key);

        harness.Feed(RawFrame.To(Role.Client, 0x3, []));

        var expected = RawFrame.Build(0x8, RawFrame.CloseBody(1002, "reserved opcode"u8), maskKey: key);
        Assert.Equal(expected, harness.TakeReplies());
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_AfterFailure_ConsumesAndIgnoresEverything(Role role)
    {
        var harness = new ProtocolHarness(role);
        harness.Feed(RawFrame.To(role, Opcode.Binary, "x"u8, rsv: 0x40));
        harness.TakeReplies();

        Assert.Empty(harness.Feed(RawFrame.To(role, Opcode.Ping, "p"u8)));
        Assert.Empty(harness.Feed(RawFrame.To(role, Opcode.Text, "still here"u8)));
        Assert.Equal(0, harness.UnconsumedLength);
        Assert.Empty(harness.TakeReplies());
    }

    [Fact]
    public void Receive_FailureInTheMiddleOfAnInput_ConsumesTheRest()
    {
        var harness = new ProtocolHarness(Role.Server);
        var input = RawFrame.Concat(
            RawFrame.To(Role.Server, Opcode.Binary, "ok"u8),
            RawFrame.To(Role.Server, 0x4, []),
            RawFrame.To(Role.Server, Opcode.Binary, "ignored"u8));

        var events = harness.Feed(input);

        Assert.Equal([ProtocolEventKind.Data, ProtocolEventKind.Error], events.Select(e => e.Kind));
        Assert.Equal(0, harness.UnconsumedLength);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_SeveralFramesInOneInput_ReturnsOneEventPerCall(Role role)
    {
        var harness = new ProtocolHarness(role);
        var input = RawFrame.Concat(
            RawFrame.To(role, Opcode.Text, "one"u8),
            RawFrame.To(role, Opcode.Binary, "two"u8),
            RawFrame.To(role, Opcode.Pong, "three"u8));

        var events = harness.Feed(input);

        Assert.Equal([ProtocolEventKind.Data, ProtocolEventKind.Data, ProtocolEventKind.Pong], events.Select(e => e.Kind));
        Assert.Equal("one", Encoding.UTF8.GetString(events[0].Payload));
        Assert.Equal(MessageType.Text, events[0].MessageType);
        Assert.Equal("two", Encoding.UTF8.GetString(events[1].Payload));
        Assert.Equal(MessageType.Binary, events[1].MessageType);
        Assert.Equal("three", Encoding.UTF8.GetString(events[2].Payload));
    }

    [Theory]
    [InlineData(Role.Server, MessageType.Binary, 0)]
    [InlineData(Role.Server, MessageType.Binary, 125)]
    [InlineData(Role.Server, MessageType.Binary, 126)]
    [InlineData(Role.Server, MessageType.Binary, 65536)]
    [InlineData(Role.Client, MessageType.Binary, 0)]
    [InlineData(Role.Client, MessageType.Binary, 125)]
    [InlineData(Role.Client, MessageType.Binary, 126)]
    [InlineData(Role.Client, MessageType.Binary, 65536)]
    [InlineData(Role.Server, MessageType.Text, 300)]
    [InlineData(Role.Client, MessageType.Text, 300)]
    public void WriteMessage_ReadBackByThePeer_IsTheSameMessage(Role reader, MessageType type, int length)
    {
        var writer = new WebSocketProtocol(RawFrame.Opposite(reader));
        var harness = new ProtocolHarness(reader);
        var payload = type == MessageType.Text ? Encoding.UTF8.GetBytes(new string('a', length)) : TestBytes.Pattern(length);
        var wire = new System.Buffers.ArrayBufferWriter<byte>();

        writer.WriteMessage(wire, type, payload);
        var e = Assert.Single(harness.Feed(wire.WrittenSpan));

        Assert.Equal(type, e.MessageType);
        Assert.Equal(payload, e.Payload);
        Assert.True(e.StartOfMessage && e.EndOfMessage);
        Assert.Equal(FrameWriter.GetFrameLength(length, reader == Role.Server), wire.WrittenCount);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void WriteText_ReadBackByThePeer_IsTheSameText(Role reader)
    {
        const string Text = "Grüße, 世界! 🎉";
        var writer = new WebSocketProtocol(RawFrame.Opposite(reader));
        var harness = new ProtocolHarness(reader);
        var wire = new System.Buffers.ArrayBufferWriter<byte>();

        writer.WriteText(wire, Text);
        var e = Assert.Single(harness.Feed(wire.WrittenSpan));

        Assert.Equal(MessageType.Text, e.MessageType);
        Assert.Equal(Text, Encoding.UTF8.GetString(e.Payload));
    }

    [Fact]
    public void WriteMessage_UndefinedType_Throws()
    {
        var protocol = new WebSocketProtocol(Role.Server);

        Assert.Throws<ArgumentOutOfRangeException>(() => protocol.WriteMessage(new System.Buffers.ArrayBufferWriter<byte>(), (MessageType)7, []));
    }
}
