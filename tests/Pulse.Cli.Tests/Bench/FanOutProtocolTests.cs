using System.Text;
using Pulse.Cli.Bench;

namespace Pulse.Cli.Tests.Bench;

/// <summary>
/// What the fan-out scenarios read from what they send: a relay's probe readies a subscriber and is never counted
/// as a delivery; a stamped message is a delivery carrying its send time; the hub's replies are told apart.
/// </summary>
public sealed class FanOutProtocolTests
{
    [Fact]
    public void Relay_Probe_ReadiesASubscriber_AndIsNoDelivery()
    {
        var relay = new FanOutProtocol.Relay(100);

        var (_, payload) = ClientFramesTests.DecodeOne(relay.ProbeFrame!);

        Assert.Null(relay.SubscribeFrame);
        Assert.True(relay.IsSubscribeReply(payload));
        Assert.False(relay.TryReadDelivery(payload, out _));
    }

    [Fact]
    public void Relay_Message_IsADeliveryWithItsSendTime_AndReadiesNothing()
    {
        var relay = new FanOutProtocol.Relay(100);

        var (_, payload) = ClientFramesTests.DecodeOne(relay.BuildMessage(7, 123_456_789));

        Assert.Equal(100, payload.Length);
        Assert.True(relay.TryReadDelivery(payload, out var sentAt));
        Assert.Equal(123_456_789, sentAt);
        Assert.False(relay.IsSubscribeReply(payload));
    }

    [Fact]
    public void Relay_MessagesAfterTheProbe_LeaveTheProbeUnchanged()
    {
        var relay = new FanOutProtocol.Relay(16);

        relay.BuildMessage(1, 42);

        Assert.True(relay.IsSubscribeReply(ClientFramesTests.DecodeOne(relay.ProbeFrame!).Payload));
    }

    [Fact]
    public void Relay_TooShortForAStamp_IsNeither()
    {
        var relay = new FanOutProtocol.Relay(16);

        Assert.False(relay.TryReadDelivery(new byte[7], out _));
        Assert.False(relay.IsSubscribeReply(new byte[7]));
    }

    [Fact]
    public void Hub_ReadsTheStampOfAMessage_AndKnowsItsSubscribeReplyAndErrors()
    {
        var hub = new FanOutProtocol.Hub("bench", 32);

        var message = """{"type":"message","payload":{"channel":"bench","offset":1,"data":"0000000000000004242xxxxxxxxxxxxx"}}"""u8;
        var reply = """{"type":"reply","id":"bench-sub","payload":{}}"""u8;
        var error = """{"type":"error","id":"p1","payload":{"code":"rate_limited"}}"""u8;

        Assert.Null(hub.ProbeFrame);
        Assert.True(hub.TryReadDelivery(message, out var sentAt));
        Assert.Equal(4242, sentAt);
        Assert.True(hub.IsSubscribeReply(reply));
        Assert.False(hub.TryReadDelivery(reply, out _));
        Assert.True(hub.IsError(error));
        Assert.Contains("\"channel\":\"bench\"", Encoding.UTF8.GetString(ClientFramesTests.DecodeOne(hub.SubscribeFrame!).Payload), StringComparison.Ordinal);
    }
}
