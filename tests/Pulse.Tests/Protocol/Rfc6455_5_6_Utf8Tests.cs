using System.Text;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>RFC 6455 §5.6: "The 'Payload data' is text data encoded as UTF-8"; §8.1: invalid UTF-8 fails the connection with 1007.</summary>
public class Rfc6455_5_6_Utf8Tests
{
    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_MultibyteCharactersSplitAcrossFragments_AreAccepted(Role role)
    {
        var bytes = Encoding.UTF8.GetBytes("€😀é");
        var harness = new ProtocolHarness(role);

        // Cuts inside the 3-byte €, the 4-byte 😀 and the 2-byte é.
        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(role, Opcode.Text, bytes.AsSpan(0, 1), fin: false),
            RawFrame.To(role, Opcode.Continuation, bytes.AsSpan(1, 4), fin: false),
            RawFrame.To(role, Opcode.Continuation, bytes.AsSpan(5, 3), fin: false),
            RawFrame.To(role, Opcode.Continuation, bytes.AsSpan(8))));

        Assert.All(events, e => Assert.Equal(ProtocolEventKind.Data, e.Kind));
        Assert.Equal("€😀é", Encoding.UTF8.GetString(ProtocolAssert.Assemble(events)));
        Assert.True(events[^1].EndOfMessage);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_ValidTextFedByteByByte_IsAccepted(Role role)
    {
        const string Text = "Ünïcödé ✓ 𝄞 日本";
        var harness = new ProtocolHarness(role);

        var events = harness.FeedByteByByte(RawFrame.To(role, Opcode.Text, Encoding.UTF8.GetBytes(Text)));

        Assert.Equal(Text, Encoding.UTF8.GetString(ProtocolAssert.Assemble(events)));
        Assert.DoesNotContain(events, e => e.Kind == ProtocolEventKind.Error);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_InvalidFirstByte_FailsWith1007BeforeTheMessageEnds(Role role)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Text, [0xFF, 0x41], fin: false)));

        ProtocolAssert.Failed(harness, e, CloseCode.InvalidPayloadData);
    }

    [Fact]
    public void Receive_InvalidByteInTheMiddleOfAFrame_FailsOnTheChunkThatHoldsIt()
    {
        var harness = new ProtocolHarness(Role.Server);
        var payload = Encoding.UTF8.GetBytes(new string('a', 100));
        payload[60] = 0x80;
        var frame = RawFrame.To(Role.Server, Opcode.Text, payload);

        var first = Assert.Single(harness.Feed(frame.AsSpan(0, 6 + 50)));
        var second = Assert.Single(harness.Feed(frame.AsSpan(6 + 50, 20)));

        Assert.Equal(ProtocolEventKind.Data, first.Kind);
        ProtocolAssert.Failed(harness, second, CloseCode.InvalidPayloadData);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_TruncatedCharacterAtTheEnd_FailsWith1007(Role role)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Text, [0x41, 0xE2, 0x82])));

        ProtocolAssert.Failed(harness, e, CloseCode.InvalidPayloadData);
    }

    [Fact]
    public void Receive_TruncatedCharacterInAFinalEmptyFragment_FailsWith1007()
    {
        var harness = new ProtocolHarness(Role.Client);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Client, Opcode.Text, [0xF0, 0x9F], fin: false),
            RawFrame.To(Role.Client, Opcode.Continuation, [])));

        Assert.Equal(2, events.Count);
        ProtocolAssert.Failed(harness, events[1], CloseCode.InvalidPayloadData);
    }

    public static TheoryData<string, byte[]> InvalidText() => new()
    {
        { "overlong slash (C0 AF)", [0xC0, 0xAF] },
        { "overlong 3-byte (E0 80 AF)", [0xE0, 0x80, 0xAF] },
        { "overlong 4-byte (F0 80 80 AF)", [0xF0, 0x80, 0x80, 0xAF] },
        { "surrogate U+D800", [0xED, 0xA0, 0x80] },
        { "surrogate U+DBFF U+DC00 pair", [0xED, 0xAF, 0xBF, 0xED, 0xB0, 0x80] },
        { "U+110000 (F4 90 80 80)", [0xF4, 0x90, 0x80, 0x80] },
    };

    [Theory]
    [MemberData(nameof(InvalidText))]
    public void Receive_InvalidSequence_FailsWith1007(string name, byte[] payload)
    {
        var harness = new ProtocolHarness(Role.Server);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Server, Opcode.Text, payload)));

        Assert.True(e.Kind == ProtocolEventKind.Error, name);
        ProtocolAssert.Failed(harness, e, CloseCode.InvalidPayloadData);
    }

    [Theory]
    [InlineData(new byte[] { 0xF4, 0x90 })]
    [InlineData(new byte[] { 0xE0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0 })]
    public void Receive_PrefixThatNoByteCanComplete_FailsWithoutWaitingForTheRest(byte[] prefix)
    {
        var harness = new ProtocolHarness(Role.Client);

        // The message goes on in later fragments, but these two bytes already cannot be UTF-8.
        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Client, Opcode.Text, prefix, fin: false)));

        ProtocolAssert.Failed(harness, e, CloseCode.InvalidPayloadData);
    }

    [Fact]
    public void Receive_F4_90_SplitAcrossFragments_FailsOnTheSecondByte()
    {
        var harness = new ProtocolHarness(Role.Client);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Client, Opcode.Text, [0x41, 0xF4], fin: false),
            RawFrame.To(Role.Client, Opcode.Continuation, [0x90], fin: false)));

        Assert.Equal(2, events.Count);
        Assert.Equal(ProtocolEventKind.Data, events[0].Kind);
        ProtocolAssert.Failed(harness, events[1], CloseCode.InvalidPayloadData);
    }

    [Fact]
    public void Receive_InvalidUtf8InABinaryMessage_IsAccepted()
    {
        var harness = new ProtocolHarness(Role.Server);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Server, Opcode.Binary, [0xFF, 0xC0, 0xED, 0xA0])));

        Assert.Equal(ProtocolEventKind.Data, e.Kind);
    }

    [Fact]
    public void Receive_IncompleteCharacterDoesNotLeakIntoTheNextMessage()
    {
        var harness = new ProtocolHarness(Role.Client);

        // A binary message between two text messages, then a text message that starts with a continuation byte.
        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Client, Opcode.Text, "ok"u8),
            RawFrame.To(Role.Client, Opcode.Binary, [0xE2]),
            RawFrame.To(Role.Client, Opcode.Text, [0x82, 0xAC])));

        Assert.Equal(3, events.Count);
        ProtocolAssert.Failed(harness, events[2], CloseCode.InvalidPayloadData);
    }
}
