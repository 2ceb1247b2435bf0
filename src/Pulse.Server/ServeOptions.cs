using System.Net;

namespace Pulse.Server;

/// <summary>What <c>pulse serve</c> runs with. Defaults run on a bare machine.</summary>
public sealed class ServeOptions
{
    /// <summary>The address to listen on. The default is 127.0.0.1.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port to listen on; 0 picks a free one. The default is 8765.</summary>
    public int Port { get; set; } = 8765;

    /// <summary>A PEM or PFX certificate file for wss; null serves plain ws.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key file when it is not inside <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PFX password, if any.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Allowed origins (exact or <c>https://*.example.com</c>); null allows any.</summary>
    public IList<string>? Origins { get; set; }

    /// <summary>The most WebSocket connections open at once over all paths; further upgrades get 503. Null sets no limit.</summary>
    public int? MaxConnections { get; set; }

    /// <summary>The most WebSocket connections open at once from one client address; further upgrades get 503. Null sets no limit.</summary>
    public int? MaxConnectionsPerAddress { get; set; }

    /// <summary>
    /// Reverse proxies (addresses or networks) whose <c>X-Forwarded-For</c> names the client; empty believes no one.
    /// See <see cref="ServerOptions.TrustedProxies"/>.
    /// </summary>
    public IList<IPNetwork> TrustedProxies { get; set; } = [];

    /// <summary>The largest message <c>/echo</c> and <c>/broadcast</c> accept. The default is 16 MiB.</summary>
    public int EchoMaxMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Whether WebSocket endpoints negotiate permessage-deflate (RFC 7692), with the library's defaults
    /// (<see cref="CompressionOptions"/>). The default is true.
    /// </summary>
    public bool Compression { get; set; } = true;

    /// <summary>How long shutdown waits for connections to close after 1001. The default is 10 seconds.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Server-wide ping interval. The default is 20 seconds.</summary>
    public TimeSpan? PingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Server-wide ping timeout. The default is 20 seconds.</summary>
    public TimeSpan? PingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The HS256 secret of hub tokens. Null uses <see cref="DevelopmentTokenSecret"/>, which <c>pulse token</c>
    /// also uses by default, and says so in the log: fine on a laptop, never in production.
    /// </summary>
    public string? TokenSecret { get; set; }

    /// <summary>Whether hub clients without a token may connect (DESIGN's development default). The default is true.</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>
    /// Whether these options are the playground's: nothing configured for real, that is the development token
    /// secret (<see cref="TokenSecret"/> null) and anonymous hub clients allowed. Setting a token secret or turning
    /// anonymous access off makes it production mode, where the playground's parts (<see cref="Demos"/>,
    /// <see cref="Echo"/>, <see cref="Broadcast"/>) are off unless turned on by name.
    /// </summary>
    public bool IsPlayground => TokenSecret is null && AllowAnonymous;

    /// <summary>
    /// Whether to serve the demo pages (<c>/</c>, <c>/chat</c>, <c>/counter</c>, <c>/clock</c>, <c>/logs</c>,
    /// <c>/status</c>, <c>/pulse.js</c>), <c>/demos/token</c>, and the demo channels' namespaces and server side
    /// (the counter, the clock, the log tail). Null follows the mode: on in the playground, off in production.
    /// </summary>
    public bool? Demos { get; set; }

    /// <summary>Whether to serve <c>/echo</c>. Null follows the mode: on in the playground, off in production.</summary>
    public bool? Echo { get; set; }

    /// <summary>Whether to serve <c>/broadcast</c>. Null follows the mode: on in the playground, off in production.</summary>
    public bool? Broadcast { get; set; }

    /// <summary>Whether the demo pages and channels are served: <see cref="Demos"/>, else the mode's default.</summary>
    public bool ServesDemos => Demos ?? IsPlayground;

    /// <summary>Whether <c>/echo</c> is served: <see cref="Echo"/>, else the mode's default.</summary>
    public bool ServesEcho => Echo ?? IsPlayground;

    /// <summary>Whether <c>/broadcast</c> is served: <see cref="Broadcast"/>, else the mode's default.</summary>
    public bool ServesBroadcast => Broadcast ?? IsPlayground;

    /// <summary>
    /// The key of the admin HTTP API under <c>/api</c>, sent as <c>Authorization: Bearer KEY</c> or
    /// <c>X-Api-Key: KEY</c>. Null turns the admin API off (its paths answer 404) and the log says so.
    /// </summary>
    public string? AdminApiKey { get; set; }

    /// <summary>Where the hub keeps channels, history and presence. The default is <see cref="HubEngine.Memory"/> (one node).</summary>
    public HubEngine Engine { get; set; } = HubEngine.Memory;

    /// <summary>
    /// Where the Redis of <see cref="HubEngine.Redis"/> is: a StackExchange.Redis configuration string, such as
    /// <c>127.0.0.1:6379</c>, <c>redis-a:6379,redis-b:6379,password=...,ssl=true</c> (a cluster's or a group's
    /// endpoints) or <c>sentinel-a:26379,serviceName=mymaster</c>. The default is 127.0.0.1:6379.
    /// </summary>
    public string RedisConfiguration { get; set; } = "127.0.0.1:6379";

    /// <summary>The Redis ACL user, if any (needs <see cref="RedisPassword"/>); overrides <c>user=</c> in <see cref="RedisConfiguration"/>.</summary>
    public string? RedisUser { get; set; }

    /// <summary>The Redis password, if any; overrides <c>password=</c> in <see cref="RedisConfiguration"/>.</summary>
    public string? RedisPassword { get; set; }

    /// <summary>Whether to speak TLS to Redis (as <c>ssl=true</c> in <see cref="RedisConfiguration"/>).</summary>
    public bool RedisTls { get; set; }

    /// <summary>The prefix of every Redis key and channel, so several hubs can share one Redis. The default is "pulse".</summary>
    public string RedisPrefix { get; set; } = "pulse";

    /// <summary>The secret used when none is configured; public so development tools agree on it.</summary>
    public const string DevelopmentTokenSecret = "pulse-development-secret-not-for-production-use";

    /// <summary>The least severe log level written to the console. The default is Information.</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Information;
}
