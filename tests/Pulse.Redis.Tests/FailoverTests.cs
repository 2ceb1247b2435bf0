using System.Text;
using Pulse.Hub.Engines;
using Pulse.Redis.Engine;
using Pulse.Testing;
using StackExchange.Redis;
using StreamPosition = Pulse.Hub.Protocol.StreamPosition;

namespace Pulse.Redis.Tests;

/// <summary>A primary killed mid-stream: Sentinel promotes the replica; the engine is not ready meanwhile, then publishes on, in a new epoch.</summary>
public sealed class FailoverTests
{
    private static readonly HistoryLimits s_history = new(100, 60_000);

    private static PublishData Data(string json) => new(Encoding.UTF8.GetBytes(json), "alice", "client-1", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), false);

    [Fact]
    public async Task SentinelFailoverMidStream_NotReachableThenBack_NoOffsetReissuedInTheOldEpoch()
    {
        await using var group = await RedisSentinelGroup.StartAsync();
        await using var engine = new RedisEngine(new RedisEngineOptions
        {
            Configuration = group.Configuration,
            ConfigureRedis = redis => redis.ReconnectRetryPolicy = new ExponentialRetry(50, 500),
        });
        var seen = new Pulse.Testing.Contracts.RecordingBrokerHandler();
        engine.SetHandler(seen);
        engine.Start();
        await engine.WaitReachableAsync().DefaultTimeout();
        await engine.SubscribeAsync("orders").DefaultTimeout();
        var before = new List<StreamPosition>();
        for (var i = 1; i <= 5; i++)
        {
            before.Add(await engine.PublishAsync("orders", Data($"{i}"), s_history).DefaultTimeout());
        }

        await seen.NextAsync(5);
        group.Primary.Kill();

        // Publishing fails (503 to clients) until Sentinel promoted the replica and the engine followed it; bounded.
        StreamPosition? after = null;
        var failures = 0;
        var deadline = DateTime.UtcNow + TestTimeouts.Scaled(TimeSpan.FromSeconds(60));
        while (after is null && DateTime.UtcNow < deadline)
        {
            try
            {
                after = await engine.PublishAsync("orders", Data("6"), s_history).DefaultTimeout();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                failures++;
                await Task.Delay(100);
            }
        }

        var delivered = await seen.NextAsync(1);
        var recovery = await engine.ReadHistoryAsync("orders", before[^1], 10, s_history).DefaultTimeout();

        Assert.NotNull(after);
        Assert.True(failures > 0); // there was a moment without a primary
        Assert.NotEqual(before[0].Epoch, after.Value.Epoch); // the promoted replica starts the channel over
        Assert.Equal(1, after.Value.Offset);
        Assert.Equal(["orders 1 6"], delivered);
        Assert.Empty(recovery.Publications); // a reader from the old epoch is told it could not recover
        Assert.Null(engine.Problem);
    }
}
