using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Pulse.Testing;

namespace Pulse.Redis.Tests;

/// <summary>
/// A real Sentinel group on free loopback ports: a primary, a replica and three sentinels (quorum 2) watching
/// them as <see cref="ServiceName"/>; every process stopped by its PID.
/// </summary>
internal sealed class RedisSentinelGroup : IAsyncDisposable
{
    public const string ServiceName = "pulse-primary";

    private readonly DirectoryInfo _directory;
    private readonly List<Process> _sentinels = [];
    private readonly List<int> _sentinelPorts = [];

    private RedisSentinelGroup(DirectoryInfo directory, RedisServer primary, RedisServer replica)
    {
        _directory = directory;
        Primary = primary;
        Replica = replica;
    }

    public RedisServer Primary { get; }

    public RedisServer Replica { get; }

    /// <summary>The engine's configuration string: the sentinels and the service name.</summary>
    public string Configuration => string.Join(",", _sentinelPorts.Select(p => $"127.0.0.1:{p}")) + $",serviceName={ServiceName}";

    public static async Task<RedisSentinelGroup> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("pulse-redis-sentinel-");
        var primary = await RedisServer.StartAsync();
        var replica = await RedisServer.StartAsync("--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture));
        var group = new RedisSentinelGroup(directory, primary, replica);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await group.StartSentinelAsync();
            }

            await group.WaitReplicaInSyncAsync();
            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sentinel in _sentinels)
        {
            if (!sentinel.HasExited)
            {
                sentinel.Kill();
                sentinel.WaitForExit(TestTimeouts.Default);
            }

            sentinel.Dispose();
        }

        await Replica.DisposeAsync();
        await Primary.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    private async Task StartSentinelAsync()
    {
        var port = LoopbackPorts.Free();
        var config = Path.Combine(_directory.FullName, $"sentinel-{port}.conf");
        await File.WriteAllLinesAsync(config,
        [
            $"port {port}",
            "bind 127.0.0.1",
            $"dir {_directory.FullName}",
            $"sentinel monitor {ServiceName} 127.0.0.1 {Primary.Port} 2",
            $"sentinel down-after-milliseconds {ServiceName} 1000",
            $"sentinel failover-timeout {ServiceName} 5000",
            $"sentinel parallel-syncs {ServiceName} 1",
        ]);

        // redis-sentinel is redis-server in sentinel mode; the same binary serves when only redis-server is there.
        _sentinels.Add(Peers.Start(RedisServer.Tool("redis-server"), [config, "--sentinel"]));
        _sentinelPorts.Add(port);
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    private async Task WaitReplicaInSyncAsync()
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            var info = await Peers.RunToEndAsync(RedisServer.Tool("redis-cli"), ["-p", Replica.Port.ToString(CultureInfo.InvariantCulture), "info", "replication"], TestTimeouts.Default);
            if (info.Output.Contains("master_link_status:up", StringComparison.Ordinal))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the replica did not sync with the primary: {info.Output}");
            }

            await Task.Delay(50);
        }
    }
}
