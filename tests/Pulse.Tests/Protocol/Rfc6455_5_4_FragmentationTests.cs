using System.Text;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>RFC 6455 §5.4: a message is one or more frames, the first Text or Binary, the rest Continuation, the last with FIN; "Control frames MAY be injected in the middle of a fragmented message."</summary>
public class Rfc6455_5_4_FragmentationTests
{
    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_RfcExampleFragmentedHello_ReturnsTwoChunks(Role role)
    {
        var harness = new ProtocolHarness(role);

        // RFC 6455 §5.7: "A fragmented unmasked text message".
        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(role, Opcode.Text, "Hel"u8, fin: false),
            RawFrame.To(role, Opcode.Continuation, "lo"u8)));

        Assert.Equal(2, events.Count);
        Assert.Equal("Hel", Encoding.UTF8.GetString(events[0].Payload));
        Assert.True(events[0].StartOfMessage);
        Assert.False(events[0].EndOfMessage);
        Assert.Equal(-1, events[0].MessageLengthHint);
        Assert.Equal("lo", Encoding.UTF8.GetString(events[1].Payload));
        Assert.False(events[1].StartOfMessage);
        Assert.True(events[1].EndOfMessage);
        Assert.All(events, e => Assert.Equal(MessageType.Text, e.MessageType));
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_ManyFragmentsInRandomChunks_AssembleTheMessage(Role role)
    {
        var payload = TestBytes.Pattern(3000);
        var frames = payload.Chunk(250)
            .Select((part, i) => RawFrame.To(role, i == 0 ? Opcode.Binary : Opcode.Continuation, part, fin: (i + 1) * 250 >= payload.Length))
            .ToArray();
        var harness = new ProtocolHarness(role);

        var events = harness.FeedInRandomChunks(RawFrame.Concat(frames), seed: 42, maxChunk: 97);

        Assert.Equal([payload], ProtocolAssert.SplitMessages(events));
        Assert.Single(events, e => e.StartOfMessage);
        Assert.All(events, e => Assert.Equal(MessageType.Binary, e.MessageType));
    }

    [Fact]
    public void Receive_EmptyFragments_AddNothingAndTheFinalOneEndsTheMessage()
    {
        var harness = new ProtocolHarness(Role.Client);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Client, Opcode.Binary, [], fin: false),
            RawFrame.To(Role.Client, Opcode.Continuation, "ab"u8, fin: false),
            RawFrame.To(Role.Client, Opcode.Continuation, [], fin: false),
            RawFrame.To(Role.Client, Opcode.Continuation, [])));

        Assert.Equal(2, events.Count);
        Assert.Equal("ab"u8.ToArray(), events[0].Payload);
        Assert.True(events[0].StartOfMessage);
        Assert.Equal(MessageType.Binary, events[0].MessageType);
        Assert.Empty(events[1].Payload);
        Assert.True(events[1].EndOfMessage);
        Assert.Equal(MessageType.Binary, events[1].MessageType);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_ContinuationWithoutAMessage_FailsWith1002(Role role)
    {
        var harness = new ProtocolHarness(role);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Continuation, "x"u8)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
        Assert.Equal("unexpected continuation frame", e.Error!.Value.Reason);
    }

    [Fact]
    public void Receive_ContinuationAfterACompleteMessage_FailsWith1002()
    {
        var harness = new ProtocolHarness(Role.Server);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Server, Opcode.Text, "done"u8),
            RawFrame.To(Role.Server, Opcode.Continuation, "more"u8)));

        Assert.Equal(2, events.Count);
        ProtocolAssert.Failed(harness, events[1], CloseCode.ProtocolError);
    }

    [Theory]
    [InlineData(Role.Server, Opcode.Text)]
    [InlineData(Role.Server, Opcode.Binary)]
    [InlineData(Role.Client, Opcode.Text)]
    [InlineData(Role.Client, Opcode.Binary)]
    public void Receive_NewMessageWhileAFragmentedOneIsInProgress_FailsWith1002(Role role, Opcode opcode)
    {
        var harness = new ProtocolHarness(role);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(role, Opcode.Binary, "first"u8, fin: false),
            RawFrame.To(role, opcode, "second"u8)));

        Assert.Equal(2, events.Count);
        ProtocolAssert.Failed(harness, events[1], CloseCode.ProtocolError);
        Assert.Equal("expected continuation frame", events[1].Error!.Value.Reason);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_ControlFramesBetweenFragments_AreHandledAndTheMessageGoesOn(Role role)
    {
        var harness = new ProtocolHarness(role);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(role, Opcode.Text, "Hel"u8, fin: false),
            RawFrame.To(role, Opcode.Ping, "p1"u8),
            RawFrame.To(role, Opcode.Continuation, "lo, "u8, fin: false),
            RawFrame.To(role, Opcode.Pong, "p2"u8),
            RawFrame.To(role, Opcode.Continuation, "world"u8)));

        Assert.Equal(
            [ProtocolEventKind.Data, ProtocolEventKind.Ping, ProtocolEventKind.Data, ProtocolEventKind.Pong, ProtocolEventKind.Data],
            events.Select(e => e.Kind));
        Assert.Equal("Hello, world", Encoding.UTF8.GetString(ProtocolAssert.Assemble(events)));
        Assert.True(events[4].EndOfMessage);
        Assert.Equal(MessageType.Text, events[4].MessageType);

        var pong = Assert.Single(new ProtocolHarness(RawFrame.Opposite(role)).Feed(harness.TakeReplies()));
        Assert.Equal(ProtocolEventKind.Pong, pong.Kind);
        Assert.Equal("p1"u8.ToArray(), pong.Payload);
    }

    [Fact]
    public void Receive_CloseBetweenFragments_EndsTheConnection()
    {
        var harness = new ProtocolHarness(Role.Server);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Server, Opcode.Binary, "part"u8, fin: false),
            RawFrame.To(Role.Server, Opcode.Close, RawFrame.CloseBody(1001))));

        Assert.Equal([ProtocolEventKind.Data, ProtocolEventKind.Close], events.Select(e => e.Kind));
        Assert.False(events[0].EndOfMessage);
        Assert.Equal(ProtocolState.Closed, harness.Protocol.State);
    }

    [Fact]
    public void Receive_FragmentedMessageThenAnother_StartsAFreshMessage()
    {
        var harness = new ProtocolHarness(Role.Client);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Client, Opcode.Text, "a"u8, fin: false),
            RawFrame.To(Role.Client, Opcode.Continuation, "b"u8),
            RawFrame.To(Role.Client, Opcode.Binary, "c"u8)));

        Assert.Equal(3, events.Count);
        Assert.True(events[2].StartOfMessage);
        Assert.True(events[2].EndOfMessage);
        Assert.Equal(MessageType.Binary, events[2].MessageType);
        Assert.Equal(1, events[2].MessageLengthHint);
    }
}
