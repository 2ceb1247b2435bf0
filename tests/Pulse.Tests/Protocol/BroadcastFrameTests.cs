using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>Issue 3 §4: with server_no_context_takeover a broadcast is compressed once per group of recipients with the same window and memory level.</summary>
public class BroadcastFrameTests
{
    [Fact]
    public void CompressedServerFrame_OncePerWindowAndMemoryLevel_TheSameFrameForLikeRecipients()
    {
        var payload = Deflate.JsonChat(1000);
        var frame = new BroadcastFrame(MessageType.Text, payload);

        var a = frame.CompressedServerFrame(12, 5);
        var b = frame.CompressedServerFrame(12, 5);
        var other = frame.CompressedServerFrame(9, 5);

        Assert.Equal(2, frame.CompressionCount);
        Assert.True(a.Equals(b), "the same memory, not a copy");
        Assert.Equal(0xc1, a.Span[0]);
        var peer = new ProtocolHarness(Role.Client, compression: new PerMessageDeflateParameters(true, true, 12, 12));
        Assert.Equal(payload, Assert.Single(ProtocolDeflateAssert.Messages(peer.Feed(a.Span))));
        var small = new ProtocolHarness(Role.Client, compression: new PerMessageDeflateParameters(true, true, 9, 9));
        Assert.Equal(payload, Assert.Single(ProtocolDeflateAssert.Messages(small.Feed(other.Span))));
    }

    [Fact]
    public void ServerFrame_IsPlain_AndMadeOnce()
    {
        var frame = new BroadcastFrame(MessageType.Binary, new byte[] { 1, 2, 3 });

        Assert.True(frame.ServerFrame.Equals(frame.ServerFrame));
        Assert.Equal(new byte[] { 0x82, 0x03, 1, 2, 3 }, frame.ServerFrame.ToArray());
        Assert.Equal(0, frame.CompressionCount);
    }
}
