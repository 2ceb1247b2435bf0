using System.Text;
using Pulse.Hub.Engines;
using Pulse.Redis.Engine;
using Pulse.Testing;
using StackExchange.Redis;

namespace Pulse.Redis.Tests;

/// <summary>The engine's configuration string against a real redis-server: ACL users, TLS, RESP3, and what a wrong one says.</summary>
public sealed class RedisConnectionOptionsTests
{
    private static readonly HistoryLimits s_history = new(10, 60_000);

    private static PublishData Data(string json) => new(Encoding.UTF8.GetBytes(json), "alice", "client-1", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), false);

    private static async Task<(RedisEngine Engine, RecordingHandler Seen)> StartAsync(string configuration, Action<ConfigurationOptions>? configure = null, bool waitReachable = true)
    {
        var engine = new RedisEngine(new RedisEngineOptions { Configuration = configuration, ConfigureRedis = configure });
        var seen = new RecordingHandler();
        engine.SetHandler((IBrokerHandler)seen);
        engine.SetHandler((IClusterHandler)seen);
        engine.Start();
        if (waitReachable)
        {
            await engine.WaitReachableAsync().DefaultTimeout();
        }
        else
        {
            await engine.FirstAttemptsAsync().DefaultTimeout();
        }

        return (engine, seen);
    }

    [Fact]
    public async Task AclUser_LimitedToThePrefix_Works_AndAWrongPasswordIsNamedInTheProblem()
    {
        await using var server = await RedisServer.StartAsync("--requirepass", "admin-secret");
        await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{server.Address},password=admin-secret").DefaultTimeout())
        {
            // Only the engine's keys and channels, and only what it runs.
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "pulse", "on", ">pulse-secret", "~pulse:*", "&pulse:*", "+@all", "-@dangerous", "+info", "+client").DefaultTimeout();
        }

        var (engine, seen) = await StartAsync($"{server.Address},user=pulse,password=pulse-secret");
        await using (engine)
        {
            await engine.SubscribeAsync("room").DefaultTimeout();
            var position = await engine.PublishAsync("room", Data("1"), s_history).DefaultTimeout();

            Assert.Equal(1, position.Offset);
            Assert.Equal(["room 1 1"], await seen.NextAsync(1).DefaultTimeout());
        }

        var (refused, _) = await StartAsync($"{server.Address},user=pulse,password=not-it,connectTimeout=1000", waitReachable: false);
        await using (refused)
        {
            Assert.False(refused.IsReachable);
            Assert.StartsWith($"Redis at {server.Address}", refused.Problem, StringComparison.Ordinal);
            await Assert.ThrowsAnyAsync<RedisException>(() => refused.PublishAsync("room", Data("2"), s_history)).DefaultTimeout();
        }
    }

    [Fact]
    public async Task Tls_WithTheServersCertificateTrusted_Works_AndAnUntrustedOneIsNotReachable()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var directory = Directory.CreateTempSubdirectory("pulse-redis-tls-");
        try
        {
            var (certificatePath, keyPath) = TestCertificates.WritePem(certificate, directory.FullName);
            await using var server = await RedisServer.StartTlsAsync(certificatePath, keyPath);
            var (engine, seen) = await StartAsync(
                $"{server.Address},ssl=true,sslHost=localhost",
                redis => redis.CertificateValidation += (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString());
            await using (engine)
            {
                await engine.SubscribeAsync("secure").DefaultTimeout();
                await engine.PublishAsync("secure", Data("\"over tls\""), s_history).DefaultTimeout();

                Assert.Equal(["secure 1 \"over tls\""], await seen.NextAsync(1).DefaultTimeout());
            }

            var (untrusting, _) = await StartAsync($"{server.Address},ssl=true,sslHost=localhost,connectTimeout=1000", waitReachable: false);
            await using (untrusting)
            {
                Assert.False(untrusting.IsReachable);
                Assert.Contains(server.Address, untrusting.Problem, StringComparison.Ordinal);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Resp3_PublicationsHistoryAndPresenceWork()
    {
        await using var server = await RedisServer.StartAsync();
        var (engine, seen) = await StartAsync($"{server.Address},protocol=resp3");
        await using (engine)
        {
            await engine.SubscribeAsync("three").DefaultTimeout();
            await engine.PublishAsync("three", Data("1"), s_history).DefaultTimeout();
            await engine.PublishAsync("three", Data("2"), s_history).DefaultTimeout();
            await engine.AddAsync("three", new Pulse.Hub.Protocol.ClientInfo("c1", "alice"), TimeSpan.FromMinutes(1)).DefaultTimeout();
            var history = await engine.ReadHistoryAsync("three", null, 10, s_history).DefaultTimeout();
            var presence = await engine.GetAsync("three").DefaultTimeout();

            Assert.Equal(RedisProtocol.Resp3, engine.Multiplexer!.GetServers()[0].Protocol);
            Assert.Equal(["three 1 1", "three 2 2"], await seen.NextAsync(2).DefaultTimeout());
            Assert.Equal([1L, 2], history.Publications.Select(p => p.Offset));
            Assert.Equal("alice", Assert.Single(presence).User);
        }
    }

    [Theory]
    [InlineData("127.0.0.1:6380", "127.0.0.1:6380")]
    [InlineData("redis-a:6379,redis-b:6380", "redis-a:6379,redis-b:6380")]
    [InlineData("redis", "redis:6379")]
    [InlineData("[::1]:6390", "[::1]:6390")]
    [InlineData("sentinel-a:26379,serviceName=mymaster,password=x", "sentinel-a:26379")]
    public void Configuration_TheOlderFormAndStackExchangeStrings_Parse(string configuration, string endPoints)
    {
        var options = RedisConfiguration.Parse(configuration);
        options.SetDefaultPorts(); // as StackExchange.Redis does on connecting

        Assert.Equal(endPoints, string.Join(",", options.EndPoints.Select(e => e switch
        {
            System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            System.Net.IPEndPoint { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
            _ => e.ToString(),
        })));
        Assert.False(options.AbortOnConnectFail);
    }

    [Theory]
    [InlineData("10.0.0.5:99999", "'10.0.0.5:99999' is not a Redis address: the port must be 1-65535")]
    [InlineData("::1:6379", "'::1:6379' is not a Redis address: write an IPv6 address as [IPv6]:PORT")]
    [InlineData(" , ", "the Redis configuration is empty")]
    [InlineData("redis:6379,nosuchoption=1,password=hunter2", "'redis:6379,nosuchoption=1,password=********' is not a Redis configuration: ")]
    [InlineData("password=hunter2", "'password=********' is not a Redis configuration: it names no server")]
    public void Configuration_Wrong_OneLineThatHidesThePassword(string configuration, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => RedisConfiguration.Parse(configuration));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
