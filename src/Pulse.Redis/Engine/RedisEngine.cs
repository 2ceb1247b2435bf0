using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pulse.Hub.Engines;
using StackExchange.Redis;

namespace Pulse.Redis.Engine;

/// <summary>
/// The hub's engine on Redis (through StackExchange.Redis), so that several nodes act as one: publications over
/// Pub/Sub (one Redis channel per hub channel), history in Redis Streams with offsets and an epoch kept in
/// Redis, presence in hashes whose entries expire unless refreshed, a node registry with heartbeats, and
/// control messages between nodes.
/// </summary>
/// <remarks>
/// While Redis is unreachable, calls fail with a <see cref="RedisException"/> (the hub answers 503),
/// <see cref="IsReachable"/> is false, and StackExchange.Redis reconnects with backoff; once back, every channel
/// is subscribed again and what was published meanwhile is fetched from history, in order.
/// </remarks>
public sealed partial class RedisEngine : IBroker, IPresenceStore, ICluster, IAsyncDisposable
{
    private readonly RedisEngineOptions _options;
    private readonly ConfigurationOptions _redisOptions;
    private readonly RedisKeys _keys;
    private readonly StreamCursors _cursors = new();
    private readonly ConcurrentDictionary<string, ChannelMessageQueue> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (EndPoint? EndPoint, string Message)> _failures = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly long _startedAt;
    private IBrokerHandler? _handler;
    private IClusterHandler? _clusterHandler;
    private Task<ConnectionMultiplexer>? _connecting;
    private volatile ConnectionMultiplexer? _redis;
    private Task? _heartbeat;
    private volatile string? _address;
    private int _controlSubscribed;
    private volatile bool _isCluster;

    /// <summary>Creates the engine; <see cref="Start"/> connects.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public RedisEngine(RedisEngineOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redisOptions = options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        _startedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _keys = new RedisKeys(options.Prefix);
        _logger = options.LoggerFactory?.CreateLogger<RedisEngine>() ?? NullLogger<RedisEngine>.Instance;
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
    public bool IsReachable => Problem is null;

    /// <summary>The connection to Redis, once <see cref="Start"/> made its first attempt; for diagnostics and tests.</summary>
    public IConnectionMultiplexer? Multiplexer => _redis;

    /// <summary>Whether Redis is a Redis Cluster (known once connected): Pub/Sub is then sharded.</summary>
    public bool IsCluster => _isCluster;

    /// <summary>Starts connecting and heartbeating. Returns at once; see <see cref="WaitReachableAsync"/>.</summary>
    public void Start()
    {
        _connecting ??= ConnectAsync();
        _heartbeat ??= Task.Run(HeartbeatAsync);
    }

    /// <summary>Completes once Redis is reachable.</summary>
    public async Task WaitReachableAsync(CancellationToken cancellationToken = default)
    {
        await FirstAttemptsAsync(cancellationToken).ConfigureAwait(false);
        while (!IsReachable)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes once the first connection attempt ended, successful or not.</summary>
    public Task FirstAttemptsAsync(CancellationToken cancellationToken = default) =>
        (_connecting ?? throw new InvalidOperationException("Start the engine first.")).WaitAsync(cancellationToken);

    /// <summary>Why the engine is unreachable, for logs and <c>/readyz</c>; null when it is reachable.</summary>
    public string? Problem
    {
        get
        {
            foreach (var (endPoint, message) in _failures.Values)
            {
                if (StillMatters(endPoint))
                {
                    return message;
                }
            }

            // Connected to a primary, but Pub/Sub not yet (its connection, TLS for instance, comes up on its own).
            if (_redis is { IsConnected: true } connected && !IsCluster && !connected.GetSubscriber().IsConnected())
            {
                return $"Redis Pub/Sub at {string.Join(",", _redisOptions.EndPoints.Select(Format))}: not connected yet";
            }

            return _redis is { IsConnected: true } ? null : $"Redis at {string.Join(",", _redisOptions.EndPoints.Select(Format))}: not connected";
        }
    }

    /// <summary>Leaves the node registry and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_heartbeat is { } heartbeat)
        {
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_connecting is { } connecting)
        {
            await ((Task)connecting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_redis is { } redis)
        {
            if (redis.IsConnected)
            {
                try
                {
                    var database = redis.GetDatabase();
                    await Task.WhenAll(database.KeyDeleteAsync(_keys.Node(NodeId)), database.SetRemoveAsync(_keys.Nodes, NodeId)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // Gone anyway once the heartbeat expires.
                }
            }

            await redis.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await redis.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(_redisOptions).ConfigureAwait(false);
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        _redis = redis;
        NoteServerType(redis);
        await SubscribeControlAsync(redis).ConfigureAwait(false);
        if (!redis.IsConnected)
        {
            _failures.TryAdd("", (null, $"Redis at {string.Join(",", _redisOptions.EndPoints.Select(Format))}: {redis.GetStatus().Split('\n')[0].Trim()}"));
        }
        else
        {
            _ = BeatAsync(_stopping.Token);
        }

        return redis;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        var endPoint = e.EndPoint is null ? "?" : Format(e.EndPoint);
        var kind = e.ConnectionType == ConnectionType.Subscription ? "Redis Pub/Sub" : "Redis";
        _failures[$"{endPoint}/{e.ConnectionType}"] = (e.EndPoint, $"{kind} at {endPoint}: {e.FailureType}: {e.Exception?.Message.Split('\n')[0].Trim() ?? "connection lost"}");
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _failures.TryRemove("", out _);
        _failures.TryRemove($"{(e.EndPoint is null ? "?" : Format(e.EndPoint))}/{e.ConnectionType}", out _);
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        // Announced again (a restarted Redis is empty), and what was published while this node was not
        // subscribed is fetched from history.
        _ = BeatAsync(_stopping.Token);
        if (_redis is { } redis)
        {
            NoteServerType(redis);
            _ = SubscribeControlAsync(redis);
        }

        if (e.ConnectionType == ConnectionType.Subscription || _redisOptions.Protocol == RedisProtocol.Resp3)
        {
            _ = CatchUpAsync();
        }
    }

    /// <summary>
    /// Whether a lost connection still keeps the engine from working: not when another primary took over (Sentinel
    /// switched to the promoted replica), nor, in a cluster, when its server is connected again or a replica now.
    /// </summary>
    private bool StillMatters(EndPoint? endPoint)
    {
        if (endPoint is null || _redis is not { } redis)
        {
            return true;
        }

        if (!IsCluster)
        {
            // One primary serves everything: once one is connected, only a failure on its own endpoint (its
            // Pub/Sub connection, say) matters; the old primary of a failover is history.
            var primary = redis.GetServers().FirstOrDefault(server => server.IsConnected && !server.IsReplica);
            return primary is null || primary.EndPoint.Equals(endPoint);
        }

        try
        {
            var server = redis.GetServer(endPoint);
            return !server.IsConnected && !server.IsReplica;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private void NoteServerType(ConnectionMultiplexer redis)
    {
        if (redis.IsConnected)
        {
            _isCluster = redis.GetServers().Any(server => server.IsConnected && server.ServerType == ServerType.Cluster);
        }
    }

    /// <summary>Listens to the control channel, once: on connecting, or on the first restoration when Redis was down at first.</summary>
    private async Task SubscribeControlAsync(ConnectionMultiplexer redis)
    {
        if (Volatile.Read(ref _controlSubscribed) == 1)
        {
            return;
        }

        try
        {
            var control = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_keys.Control)).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _controlSubscribed, 1) == 1)
            {
                await control.UnsubscribeAsync().ConfigureAwait(false); // another restoration was first
                return;
            }

            control.OnMessage(message => HandleControl(message.Message));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Not reachable yet: subscribed once it is.
        }
    }

    private IDatabase Database => (_redis ?? throw NotConnectedYet()).GetDatabase();

    private ISubscriber Subscriber => (_redis ?? throw NotConnectedYet()).GetSubscriber();

    private RedisConnectionException NotConnectedYet() =>
        new(ConnectionFailureType.UnableToConnect, CommandFlags.None, $"Redis at {string.Join(",", _redisOptions.EndPoints.Select(Format))}: not connected yet");

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    internal static string Format(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.ToString(),
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };

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

        [LoggerMessage(413, LogLevel.Information, "Redis engine: subscribed again to {Channels} channels; fetched what was published meanwhile", EventName = "RedisCaughtUp")]
        public static partial void CaughtUp(ILogger logger, int channels);
    }
}
