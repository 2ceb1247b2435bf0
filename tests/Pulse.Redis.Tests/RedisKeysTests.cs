using Pulse.Redis.Engine;

namespace Pulse.Redis.Tests;

/// <summary>Every key of a channel in one Redis Cluster hash slot: one hash tag, the channel.</summary>
public sealed class RedisKeysTests
{
    [Fact]
    public void AChannelsKeysAndPubSubChannel_ShareOneHashTag()
    {
        var keys = new RedisKeys("pulse");

        Assert.Equal("pulse:{chat:lobby}:meta", (string?)keys.Meta("chat:lobby"));
        Assert.Equal("pulse:{chat:lobby}:stream", (string?)keys.Stream("chat:lobby"));
        Assert.Equal("pulse:{chat:lobby}:presence", (string?)keys.Presence("chat:lobby"));
        Assert.Equal("pulse:{chat:lobby}:presence-expiry", (string?)keys.PresenceExpiry("chat:lobby"));
        Assert.Equal("pulse:{chat:lobby}:pub", keys.PubSub("chat:lobby"));
    }
}
