using Microsoft.Extensions.Logging;
using Pulse.Hub.Core;
using Pulse.Hub.Engines;

namespace Pulse.Hub.Hosting;

/// <summary>Options of the hub, grouped as: access, channels, limits, delivery, engines, hooks.</summary>
public sealed class HubOptions
{
    // Access

    /// <summary>
    /// Whether clients without a token may connect, subscribe, publish and read presence and history (where
    /// their namespace allows anonymous clients). The default is false; <c>pulse serve</c> with no configuration
    /// turns it on and says so in its log (DESIGN's development default).
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// The HS256 secret that signs tokens (JWT: <c>sub</c> is the user, <c>channels</c> lists the private
    /// channels allowed, <c>exp</c> ends the connection). Null accepts no token.
    /// </summary>
    public string? TokenSecret { get; set; }

    /// <summary>With anonymous access off: how long a client has to send <c>connect</c>. The default is 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // Channels

    /// <summary>Options of channels without a namespace, and of namespaces not listed in <see cref="Namespaces"/>.</summary>
    public NamespaceOptions DefaultNamespace { get; set; } = new();

    /// <summary>Options per namespace, such as <c>chat</c> for <c>chat:lobby</c>.</summary>
    public IDictionary<string, NamespaceOptions> Namespaces { get; } = new Dictionary<string, NamespaceOptions>(StringComparer.Ordinal);

    // Limits

    /// <summary>The most channels one connection may subscribe to. The default is 128.</summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 128;

    /// <summary>The most channels with local subscribers on this node. The default is 100,000.</summary>
    public int MaxChannelsPerNode { get; set; } = 100_000;

    /// <summary>The largest <c>data</c> a client may publish, in bytes. The default is 64 KiB.</summary>
    public int MaxPublishSize { get; set; } = 64 * 1024;

    /// <summary>Requests per second one connection may sustain. The default is 100.</summary>
    public double RequestsPerSecond { get; set; } = 100;

    /// <summary>Requests one connection may send in a burst. The default is 200.</summary>
    public int RequestBurst { get; set; } = 200;

    // Delivery

    /// <summary>How often browsers should send <c>ping</c> (announced in <c>welcome</c>). The default is 25 seconds.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>The first resend of an unacknowledged message. The default is 2 seconds.</summary>
    public TimeSpan AckRetryInitialDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times an acknowledged-delivery message is sent in all. The default is 5.</summary>
    public int AckMaxAttempts { get; set; } = 5;

    /// <summary>How long presence entries live unless this node refreshes them. The default is 60 seconds.</summary>
    public TimeSpan PresenceTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>WebSocket settings of hub connections (keepalive, sizes, origins). Subprotocols are set by the hub.</summary>
    public ServerOptions WebSocket { get; set; } = new();

    // Engines

    /// <summary>The broker; null uses <see cref="InMemoryBroker"/>.</summary>
    public IBroker? Broker { get; set; }

    /// <summary>The presence store; null uses <see cref="InMemoryPresenceStore"/>.</summary>
    public IPresenceStore? PresenceStore { get; set; }

    /// <summary>The other nodes of a scaled-out hub (node registry, cross-node control); null runs one node alone.</summary>
    public ICluster? Cluster { get; set; }

    // Hooks (async; they run off the connection's loop and may refuse with a HubException)

    /// <summary>Runs after a client authenticated (or connected anonymously), before it may make requests.</summary>
    public Func<ConnectContext, ValueTask>? OnConnect { get; set; }

    /// <summary>Runs before a subscription is made; throw <see cref="HubException"/> to refuse it.</summary>
    public Func<SubscribeContext, ValueTask>? OnSubscribe { get; set; }

    /// <summary>Runs before a client's publication is published; throw <see cref="HubException"/> to refuse it.</summary>
    public Func<PublishContext, ValueTask>? OnPublish { get; set; }

    // Logging

    /// <summary>Where hub events are logged; null uses the application's.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The policy of a channel, from its namespace.</summary>
    internal ChannelPolicy ResolvePolicy(string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var colon = channel.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && Namespaces.TryGetValue(channel[..colon], out var options) ? options.ToPolicy() : DefaultNamespace.ToPolicy();
    }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Positive(MaxSubscriptionsPerConnection, nameof(MaxSubscriptionsPerConnection));
        Positive(MaxChannelsPerNode, nameof(MaxChannelsPerNode));
        Positive(MaxPublishSize, nameof(MaxPublishSize));
        Positive(RequestBurst, nameof(RequestBurst));
        Positive(AckMaxAttempts, nameof(AckMaxAttempts));
        if (RequestsPerSecond <= 0 || double.IsNaN(RequestsPerSecond))
        {
            throw new ArgumentException($"HubOptions.RequestsPerSecond = {RequestsPerSecond}: must be positive.");
        }

        foreach (var (name, value) in new[] { (nameof(ConnectTimeout), ConnectTimeout), (nameof(Heartbeat), Heartbeat), (nameof(AckRetryInitialDelay), AckRetryInitialDelay), (nameof(PresenceTtl), PresenceTtl) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentException($"HubOptions.{name} = {value}: must be positive.");
            }
        }

        if (TokenSecret is { Length: < 32 })
        {
            throw new ArgumentException("HubOptions.TokenSecret: must be at least 32 characters (HS256 needs a 256-bit key).");
        }

        DefaultNamespace.Validate("(default)");
        foreach (var (name, options) in Namespaces)
        {
            if (name.Length == 0 || !Protocol.ChannelName.IsValid(name) || name.Contains(':', StringComparison.Ordinal))
            {
                throw new ArgumentException($"HubOptions.Namespaces[{name}]: not a valid namespace name.");
            }

            options.Validate(name);
        }

        WebSocket.Validate();
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"HubOptions.{name} = {value}: must be positive.");
        }
    }

    internal SessionSettings ToSessionSettings() => new()
    {
        ResolvePolicy = ResolvePolicy,
        AllowAnonymous = AllowAnonymous,
        ConnectTimeoutMs = (long)ConnectTimeout.TotalMilliseconds,
        HeartbeatSeconds = (int)Math.Max(1, Heartbeat.TotalSeconds),
        MaxSubscriptions = MaxSubscriptionsPerConnection,
        MaxPublishSize = MaxPublishSize,
        RequestsPerSecond = RequestsPerSecond,
        RequestBurst = RequestBurst,
        AckRetryInitialMs = (long)AckRetryInitialDelay.TotalMilliseconds,
        AckMaxAttempts = AckMaxAttempts,
    };
}
