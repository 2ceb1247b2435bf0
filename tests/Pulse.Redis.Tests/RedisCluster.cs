using System.Net;
using System.Net.Sockets;
using Pulse.Testing;

namespace Pulse.Redis.Tests;

/// <summary>
/// A real Redis Cluster of three primaries (redis-server processes on free loopback ports, joined with
/// <c>redis-cli --cluster create</c>), optionally with a replica each; stopped by PID.
/// </summary>
internal sealed class RedisCluster : IAsyncDisposable
{
    private readonly DirectoryInfo _directory;

    private RedisCluster(DirectoryInfo directory, RedisServer[] servers)
    {
        _directory = directory;
        Servers = servers;
    }

    /// <summary>Every server: the primaries first, then the replicas.</summary>
    public RedisServer[] Servers { get; }

    /// <summary>The engine's configuration string: every server as a seed.</summary>
    public string Configuration => string.Join(",", Servers.Select(s => s.Address));

    public static async Task<RedisCluster> StartAsync(int replicasPerPrimary = 0)
    {
        var directory = Directory.CreateTempSubdirectory("pulse-redis-cluster-");
        var servers = new List<RedisServer>();
        try
        {
            for (var i = 0; i < 3 * (1 + replicasPerPrimary); i++)
            {
                var port = ClusterPort();
                servers.Add(await RedisServer.StartOnAsync(
                    port,
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", Path.Combine(directory.FullName, $"nodes-{port}.conf"),
                    "--cluster-node-timeout", "1000",
                    "--dir", directory.FullName));
            }

            var create = await Peers.RunToEndAsync(
                RedisServer.Tool("redis-cli"),
                ["--cluster", "create", .. servers.Select(s => s.Address), "--cluster-replicas", replicasPerPrimary.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-yes"],
                TestTimeouts.Scaled(TimeSpan.FromSeconds(60)));
            if (create.ExitCode != 0)
            {
                throw new InvalidOperationException($"redis-cli --cluster create failed: {create.Output} {create.Error}");
            }

            var cluster = new RedisCluster(directory, [.. servers]);
            await cluster.WaitHealthyAsync();
            return cluster;
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Waits (bounded) until every live node says <c>cluster_state:ok</c> and agrees on the slots.</summary>
    public async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        foreach (var server in Servers.Where(s => s.IsRunning))
        {
            while (true)
            {
                var info = await Peers.RunToEndAsync(RedisServer.Tool("redis-cli"), ["-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "cluster", "info"], TestTimeouts.Default);
                if (info.Output.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Redis Cluster node {server.Address} not ok: {info.Output}");
                }

                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }

        _directory.Delete(recursive: true);
    }

    // A cluster node also listens on its port + 10000 (the cluster bus): both must be free.
    private static int ClusterPort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 30_000);
            if (IsFree(port) && IsFree(port + 10_000))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free loopback port pair (p, p+10000) for a Redis Cluster node");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
