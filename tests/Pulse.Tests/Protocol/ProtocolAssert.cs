using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

internal static class ProtocolAssert
{
    /// <summary>
    /// Checks RFC 6455 §7.1.7, "Fail the WebSocket Connection": an Error event with <paramref name="code"/>, the state
    /// Closed, and in the replies exactly one close frame with that code, as the peer reads it.
    /// </summary>
    public static void Failed(ProtocolHarness harness, RecordedEvent e, CloseCode code)
    {
        Assert.Equal(ProtocolEventKind.Error, e.Kind);
        Assert.Equal(code, e.Error!.Value.Code);
        Assert.Equal(ProtocolState.Closed, harness.Protocol.State);
        Assert.Equal(e.Error, harness.Protocol.CloseSent);

        var peer = new ProtocolHarness(RawFrame.Opposite(harness.Protocol.Role));
        var close = Assert.Single(peer.Feed(harness.TakeReplies()));
        Assert.Equal(ProtocolEventKind.Close, close.Kind);
        Assert.Equal(e.Error, close.Close);
        Assert.Equal(0, peer.UnconsumedLength);
    }

    /// <summary>The payload of every Data event, concatenated.</summary>
    public static byte[] Assemble(IEnumerable<RecordedEvent> events) =>
        [.. events.Where(e => e.Kind == ProtocolEventKind.Data).SelectMany(e => e.Payload)];

    /// <summary>The messages that Data events delivered, cut at each EndOfMessage.</summary>
    public static List<byte[]> SplitMessages(IEnumerable<RecordedEvent> events)
    {
        var messages = new List<byte[]>();
        var current = new List<byte>();
        foreach (var e in events.Where(e => e.Kind == ProtocolEventKind.Data))
        {
            current.AddRange(e.Payload);
            if (e.EndOfMessage)
            {
                messages.Add([.. current]);
                current.Clear();
            }
        }

        return messages;
    }
}
