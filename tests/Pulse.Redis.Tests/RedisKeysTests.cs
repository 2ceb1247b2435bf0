using Pulse.Redis.Engine;

namespace Pulse.Redis.Tests;

/// <summary>Which server holds a channel: the same answer on every node, spread over the servers.</summary>
public sealed class RedisKeysTests
{
    [Fact]
    public void ShardOf_IsStableAndSpreadsChannels()
    {
        var shards = Enumerable.Range(0, 300).Select(i => RedisKeys.ShardOf($"room:{i}", 3)).ToArray();

        Assert.Equal(shards, Enumerable.Range(0, 300).Select(i => RedisKeys.ShardOf($"room:{i}", 3)));
        Assert.All(Enumerable.Range(0, 3), shard => Assert.Contains(shard, shards));
        Assert.Equal(0, RedisKeys.ShardOf("anything", 1));
        Assert.Equal(1, RedisKeys.ShardOf("news", 3)); // FNV-1a of "news": fixed across processes and versions
    }

    [Fact]
    public void PubSubChannelNames_RoundTrip()
    {
        var keys = new RedisKeys("pulse");

        Assert.Equal("chat:lobby", keys.FromPubSub(keys.PubSub("chat:lobby")));
        Assert.Null(keys.FromPubSub("pulse:control"));
    }
}
