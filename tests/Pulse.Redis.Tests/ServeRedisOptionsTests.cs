using Pulse.Testing;

namespace Pulse.Redis.Tests;

/// <summary>`pulse serve --engine redis` as an operator meets it: flags, config file, one-line errors, masked secrets, starting before Redis.</summary>
public sealed class ServeRedisOptionsTests
{
    [Fact]
    public void UnknownEngine_OneLineAndExit2()
    {
        var (exitCode, _, error) = PulseNode.Run("serve", "--engine", "mongo");

        Assert.Equal(2, exitCode);
        Assert.Equal("pulse: --engine 'mongo': expected memory or redis", error.Trim());
    }

    [Fact]
    public void RedisSettingsWithoutTheRedisEngine_OneLineAndExit2()
    {
        var (exitCode, _, error) = PulseNode.Run("serve", "--redis", "10.0.0.5:6379");

        Assert.Equal(2, exitCode);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("--redis: Redis settings need the redis engine", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BadAddressInTheConfigFile_NamesTheKey()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "Pulse": { "Engine": "redis", "Redis": { "Address": "10.0.0.5:99999" } } }""");
            var (exitCode, _, error) = PulseNode.Run("serve", "--config", file);

            Assert.Equal(2, exitCode);
            Assert.Equal("pulse: Pulse:Redis:Address: '10.0.0.5:99999' is not a Redis address: the port must be 1-65535", error.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void PrintConfig_ShowsTheEngineAndMasksTheRedisPassword()
    {
        var (exitCode, output, _) = PulseNode.Run("serve", "--engine", "redis", "--redis", "10.0.0.5:6379,10.0.0.6:6380", "--redis-user", "pulse", "--redis-password", "hunter2-hunter2", "--redis-tls", "--print-config");

        Assert.Equal(0, exitCode);
        Assert.Contains("Pulse:Engine = redis", output, StringComparison.Ordinal);
        Assert.Contains("Pulse:Redis:Configuration = 10.0.0.5:6379,10.0.0.6:6380", output, StringComparison.Ordinal);
        Assert.Contains("Pulse:Redis:User = pulse", output, StringComparison.Ordinal);
        Assert.Contains("Pulse:Redis:Password = ********", output, StringComparison.Ordinal);
        Assert.Contains("Pulse:Redis:Tls = true", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeStartedBeforeRedis_ServesNotReady_ThenReadyOnceRedisIsUp()
    {
        await using var redis = RedisServer.NotStarted();
        await using var node = await PulseNode.StartAsync(redis.Address);

        var before = await node.ReadyAsync().DefaultTimeout();
        var health = await new HttpClient().GetStringAsync(new Uri(node.HttpUri, "healthz")).DefaultTimeout();
        await redis.StartAsync();
        await node.WaitReadyAsync().DefaultTimeout();
        var offset = await node.PublishAsync("late", "works").DefaultTimeout();

        Assert.Equal(503, before.Status);
        Assert.StartsWith($"not ready: Redis at {redis.Address}", before.Body, StringComparison.Ordinal);
        Assert.Equal("OK\n", health);
        Assert.Equal(1, offset);
    }
}
