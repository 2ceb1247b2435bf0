using Pulse.Redis.Client;
using Pulse.Redis.Resp;
using Pulse.Testing;

namespace Pulse.Redis.Tests;

/// <summary>The client against a real redis-server: commands, pipelining, error replies, AUTH, RESP3, timeouts, reconnection, Pub/Sub.</summary>
public sealed class RedisConnectionTests
{
    private static RedisOptions Options(RedisServer server) => new()
    {
        Port = server.Port,
        ReconnectDelay = TimeSpan.FromMilliseconds(20),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Commands_PipelinedBatch_RepliesInOrder()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await RedisConnection.ConnectAsync(Options(server)).DefaultTimeout();

        await redis.ExecuteAsync(["SET", "greeting", "hello"]).DefaultTimeout();
        var got = await redis.ExecuteAsync(["GET", "greeting"]).DefaultTimeout();
        var batch = await redis.ExecuteBatchAsync([.. Enumerable.Range(1, 200).Select(i => new RedisArg[] { "INCR", "counter" })]).DefaultTimeout();
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => redis.ExecuteAsync(["ECHO", $"m{i}"]))).DefaultTimeout();

        Assert.Equal("hello", got.AsString());
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), batch.Select(reply => reply.AsInt64()));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}"), concurrent.Select(reply => reply.AsString()));
    }

    [Fact]
    public async Task ErrorReply_ThrowsNamingTheCommand_AndTheConnectionStaysUsable()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await RedisConnection.ConnectAsync(Options(server)).DefaultTimeout();
        await redis.ExecuteAsync(["SET", "text", "abc"]).DefaultTimeout();

        var wrongType = await Assert.ThrowsAsync<RedisErrorException>(() => redis.ExecuteAsync(["LPUSH", "text", "x"])).DefaultTimeout();
        var unknown = await Assert.ThrowsAsync<RedisErrorException>(() => redis.ExecuteAsync(["NOSUCHCOMMAND"])).DefaultTimeout();
        var batch = await redis.ExecuteBatchAsync([["INCR", "text"], ["PING"]]).DefaultTimeout();
        var after = await redis.ExecuteAsync(["GET", "text"]).DefaultTimeout();

        Assert.Equal("WRONGTYPE", wrongType.Prefix);
        Assert.StartsWith("Redis LPUSH: WRONGTYPE", wrongType.Message, StringComparison.Ordinal);
        Assert.Equal("ERR", unknown.Prefix);
        Assert.True(batch[0].IsError);
        Assert.Equal("PONG", batch[1].AsString());
        Assert.Equal("abc", after.AsString());
    }

    [Fact]
    public async Task AuthWithUser_Works_AndAWrongPasswordIsAClearConnectError()
    {
        await using var server = await RedisServer.StartAsync("--requirepass", "admin-secret");
        var admin = Options(server);
        admin.Password = "admin-secret";
        await using (var setup = await RedisConnection.ConnectAsync(admin).DefaultTimeout())
        {
            await setup.ExecuteAsync(["ACL", "SETUSER", "pulse", "on", ">pulse-secret", "~*", "&*", "+@all"]).DefaultTimeout();
        }

        var user = Options(server);
        user.User = "pulse";
        user.Password = "pulse-secret";
        await using var asUser = await RedisConnection.ConnectAsync(user).DefaultTimeout();
        var whoami = await asUser.ExecuteAsync(["ACL", "WHOAMI"]).DefaultTimeout();
        var wrong = Options(server);
        wrong.Password = "not-it";
        wrong.ConnectTimeout = TimeSpan.FromSeconds(1);
        var refused = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(wrong)).DefaultTimeout();
        var noAuth = Options(server);
        noAuth.ConnectTimeout = TimeSpan.FromSeconds(1);
        await using var unauthenticated = await RedisConnection.ConnectAsync(noAuth).DefaultTimeout();
        var noauth = await Assert.ThrowsAsync<RedisErrorException>(() => unauthenticated.ExecuteAsync(["GET", "x"])).DefaultTimeout();

        Assert.Equal("pulse", whoami.AsString());
        Assert.Contains("WRONGPASS", refused.Message, StringComparison.Ordinal);
        Assert.Equal("NOAUTH", noauth.Prefix);
    }

    [Fact]
    public async Task Tls_ConnectsWithTheServersCertificateTrusted_AndRefusesAnUntrustedOne()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var directory = Directory.CreateTempSubdirectory("pulse-redis-tls-");
        try
        {
            var (certificatePath, keyPath) = TestCertificates.WritePem(certificate, directory.FullName);
            await using var server = await RedisServer.StartTlsAsync(certificatePath, keyPath);
            var trusting = Options(server);
            trusting.Tls = true;
            trusting.TlsOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString(),
            };
            await using var redis = await RedisConnection.ConnectAsync(trusting).DefaultTimeout();
            var pong = await redis.ExecuteAsync(["PING"]).DefaultTimeout();
            var untrusting = Options(server);
            untrusting.Tls = true;
            untrusting.Host = "localhost";
            untrusting.ConnectTimeout = TimeSpan.FromSeconds(2);
            var refused = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(untrusting)).DefaultTimeout();

            Assert.Equal("PONG", pong.AsString());
            Assert.Contains(server.Address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Resp3_HelloThenMapsAndPushes()
    {
        await using var server = await RedisServer.StartAsync();
        var options = Options(server);
        options.Protocol = 3;
        await using var redis = await RedisConnection.ConnectAsync(options).DefaultTimeout();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscriber = new RedisSubscriber(options, (channel, payload) =>
        {
            received.TrySetResult($"{channel}={System.Text.Encoding.UTF8.GetString(payload.Span)}");
            return ValueTask.CompletedTask;
        });
        subscriber.Start();
        await subscriber.WaitConnectedAsync().DefaultTimeout();

        await redis.ExecuteAsync(["HSET", "h", "a", "1"]).DefaultTimeout();
        var map = await redis.ExecuteAsync(["HGETALL", "h"]).DefaultTimeout();
        await subscriber.SubscribeAsync("news").DefaultTimeout();
        await redis.ExecuteAsync(["PUBLISH", "news", "pushed"]).DefaultTimeout();

        Assert.Equal(RespType.Map, map.Type);
        Assert.Equal(["a", "1"], map.Items.Select(item => item.AsString()));
        Assert.Equal("news=pushed", await received.Task.DefaultTimeout());
    }

    [Fact]
    public async Task NoReplyInTime_IsATimeoutNamingTheCommand()
    {
        await using var server = await RedisServer.StartAsync();
        await using var admin = await RedisConnection.ConnectAsync(Options(server)).DefaultTimeout();
        var options = Options(server);
        options.CommandTimeout = TimeSpan.FromMilliseconds(200);
        await using var redis = await RedisConnection.ConnectAsync(options).DefaultTimeout();

        // The server holds every client's commands far longer than the command timeout.
        await admin.ExecuteAsync(["CLIENT", "PAUSE", "3000", "ALL"]).DefaultTimeout();
        var e = await Assert.ThrowsAsync<RedisTimeoutException>(() => redis.ExecuteAsync(["GET", "x"])).DefaultTimeout();
        await admin.ExecuteAsync(["CLIENT", "UNPAUSE"]).DefaultTimeout();

        Assert.Contains("did not answer GET", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_FailsFastWithTheAddress_ThenReconnectsWhenTheServerIsBack()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await RedisConnection.ConnectAsync(Options(server)).DefaultTimeout();
        var received = System.Threading.Channels.Channel.CreateUnbounded<string>();
        await using var subscriber = new RedisSubscriber(Options(server), (channel, payload) =>
        {
            received.Writer.TryWrite(System.Text.Encoding.UTF8.GetString(payload.Span));
            return ValueTask.CompletedTask;
        });
        var resubscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Resubscribed = () =>
        {
            resubscribed.TrySetResult();
            return ValueTask.CompletedTask;
        };
        subscriber.Start();
        await subscriber.WaitConnectedAsync().DefaultTimeout();
        await subscriber.SubscribeAsync("events").DefaultTimeout();

        server.Kill();
        var down = await Assert.ThrowsAnyAsync<RedisException>(() => RetryUntilDisconnectedAsync(redis)).DefaultTimeout();
        await server.RestartAsync();
        await redis.WaitConnectedAsync().DefaultTimeout();
        await resubscribed.Task.DefaultTimeout();
        await redis.ExecuteAsync(["PUBLISH", "events", "after restart"]).DefaultTimeout();

        Assert.Contains(server.Address, down.Message, StringComparison.Ordinal);
        Assert.Equal("after restart", await received.Reader.ReadAsync().AsTask().DefaultTimeout());
        Assert.Equal(["events"], subscriber.Channels);
    }

    private static async Task RetryUntilDisconnectedAsync(RedisConnection redis)
    {
        // Until the client notices the closed socket, a command may still be written; it then fails too.
        while (true)
        {
            await redis.ExecuteAsync(["PING"]);
            await Task.Delay(10);
        }
    }
}
