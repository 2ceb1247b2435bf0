using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pulse.Hub.Engines;
using Pulse.Redis.Client;

namespace Pulse.Redis.Engine;

/// <summary>
/// The hub's engine on Redis, so that several nodes act as one: publications over Pub/Sub (one Redis channel
/// per hub channel, channels spread over the servers by hash), history in Redis Streams with offsets and an
/// epoch kept in Redis, presence in hashes whose entries expire unless refreshed, a node registry with
/// heartbeats, and control messages between nodes.
/// </summary>
/// <remarks>
/// While Redis is unreachable, calls fail with <see cref="RedisException"/> (the hub answers 503),
/// <see cref="IsReachable"/> is false, and the connections retry with backoff; once back, every channel is
/// subscribed again and what was published meanwhile is fetched from history, in order.
/// </remarks>
public sealed partial class RedisEngine : IBroker, IPresenceStore, ICluster, IAsyncDisposable
{
    private readonly RedisEngineOptions _options;
    private readonly RedisKeys _keys;
    private readonly RedisShard[] _shards;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly long _startedAt;
    private IBrokerHandler? _handler;
    private IClusterHandler? _clusterHandler;
    private Task? _heartbeat;
    private volatile string? _address;

    /// <summary>Creates the engine; <see cref="Start"/> connects.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public RedisEngine(RedisEngineOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        _startedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _keys = new RedisKeys(options.Prefix);
        _logger = options.LoggerFactory?.CreateLogger<RedisEngine>() ?? NullLogger<RedisEngine>.Instance;
        _shards = new RedisShard[options.Servers.Count];
        for (var i = 0; i < _shards.Length; i++)
        {
            var server = options.Servers[i].Clone();
            server.ClientName ??= $"pulse-{options.NodeId}";
            var shard = i;
            var subscriber = new RedisSubscriber(server, (channel, payload) => OnMessageAsync(_shards[shard], channel, payload), options.LoggerFactory);
            subscriber.Resubscribed = () => CatchUpAsync(_shards[shard]);
            _shards[i] = new RedisShard(new RedisConnection(server, options.LoggerFactory), subscriber);
        }

        _shards[0].PubSub.SubscribeOnConnect(_keys.Control);

        // Announced as soon as Redis answers, the first time and after every reconnection (a restarted Redis is empty).
        _shards[0].Commands.Connected += (_, _) => _ = BeatAsync(_stopping.Token);
    }

    /// <inheritdoc/>
    public string NodeId => _options.NodeId;

    /// <summary>Where this node listens, shown in the node registry; set once the server knows its port (announced at once).</summary>
    public string? Address
    {
        get => _address;
        set
        {
            _address = value;
            if (_heartbeat is not null)
            {
                _ = BeatAsync(_stopping.Token);
            }
        }
    }

    /// <inheritdoc/>
    public bool IsReachable => _shards.All(shard => shard.IsReachable);

    /// <summary>Starts connecting to every server and heartbeating. Returns at once; see <see cref="WaitReachableAsync"/>.</summary>
    public void Start()
    {
        foreach (var shard in _shards)
        {
            shard.Commands.Start();
            shard.PubSub.Start();
        }

        _heartbeat ??= Task.Run(HeartbeatAsync);
    }

    /// <summary>Completes once every connection is open.</summary>
    public async Task WaitReachableAsync(CancellationToken cancellationToken = default)
    {
        foreach (var shard in _shards)
        {
            await shard.Commands.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
            await shard.PubSub.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes once every connection made its first attempt, successful or not.</summary>
    public Task FirstAttemptsAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(_shards.SelectMany(shard => new[] { shard.Commands.FirstAttempt, shard.PubSub.FirstAttempt })).WaitAsync(cancellationToken);

    /// <summary>Why the engine is unreachable, for logs and <c>/readyz</c>; null when it is reachable.</summary>
    public string? Problem
    {
        get
        {
            foreach (var shard in _shards)
            {
                if (!shard.Commands.IsConnected)
                {
                    return $"Redis at {shard.Commands.Options.Address}: {shard.Commands.LastError}";
                }

                if (!shard.PubSub.IsConnected)
                {
                    return $"Redis Pub/Sub at {shard.PubSub.Options.Address}: {shard.PubSub.LastError}";
                }
            }

            return null;
        }
    }

    /// <summary>Leaves the node registry and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_heartbeat is { } heartbeat)
        {
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_shards[0].Commands.IsConnected)
        {
            try
            {
                await _shards[0].Commands.ExecuteBatchAsync([["DEL", _keys.Node(NodeId)], ["SREM", _keys.Nodes, NodeId]]).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Gone anyway once the heartbeat expires.
            }
        }

        foreach (var shard in _shards)
        {
            await shard.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private RedisShard ShardOf(string channel) => _shards[RedisKeys.ShardOf(channel, _shards.Length)];

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // 8 random bytes, as in memory: message ids are {epoch}:{offset} without the channel, so epochs must not collide.
    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static partial class Log
    {
        [LoggerMessage(410, LogLevel.Warning, "Redis engine: cannot read the history of {Channel} to fill a gap: {Reason}", EventName = "RedisGapFillFailed")]
        public static partial void GapFillFailed(ILogger logger, string channel, string reason);

        [LoggerMessage(411, LogLevel.Warning, "Redis engine: unreadable Pub/Sub message on {Channel}: {Reason}", EventName = "RedisBadMessage")]
        public static partial void BadMessage(ILogger logger, string channel, string reason);

        [LoggerMessage(412, LogLevel.Warning, "Redis engine: heartbeat failed: {Reason}", EventName = "RedisHeartbeatFailed")]
        public static partial void HeartbeatFailed(ILogger logger, string reason);

        [LoggerMessage(413, LogLevel.Information, "Redis engine: subscribed again to {Channels} channels on {Address}; fetched what was published meanwhile", EventName = "RedisCaughtUp")]
        public static partial void CaughtUp(ILogger logger, int channels, string address);
    }
}
