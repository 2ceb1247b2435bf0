using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Pulse.Hub.Client;

/// <summary>Settings of a <see cref="HubClient"/>, grouped as: authentication, timeouts, WebSocket and protocol, data, logging.</summary>
/// <remarks>
/// The client keeps this object and reads it again on each reconnection: set everything before
/// <see cref="HubClient.ConnectAsync"/> and change nothing afterwards. <see cref="WebSocket"/>'s
/// <see cref="ClientOptions.Subprotocols"/> is overwritten with the subprotocol of <see cref="Protocol"/>.
/// </remarks>
public sealed class HubClientOptions
{
    // Authentication

    /// <summary>
    /// A token (a JWT, see <c>pulse token</c>) sent in the <c>connect</c> envelope of every connection. Null, the
    /// default, connects anonymously unless <see cref="TokenProvider"/> is set.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Gets a token for each connection, the first and every reconnection, so an expiring token can be renewed.
    /// Takes precedence over <see cref="Token"/>. Returning null or "" connects anonymously. An exception is
    /// thrown from <see cref="HubClient.ConnectAsync"/> on the first connection; on a reconnection it counts as a
    /// failed attempt and is retried with backoff. The default is null.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? TokenProvider { get; set; }

    // Timeouts

    /// <summary>
    /// How long a request (subscribe, publish, presence, history), the hub's <c>welcome</c> and the <c>connect</c>
    /// reply may take, reconnections included, before failing with <see cref="TimeoutException"/>. The default
    /// is 10 seconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long to wait for the <c>pong</c> of each app-level <c>ping</c>, sent at the interval the hub's
    /// <c>welcome</c> announces. Without the pong in time the link is taken as dead: the client drops it and
    /// reconnects. The default is 10 seconds.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // WebSocket and protocol

    /// <summary>
    /// The variant of pulse.v1 to speak: <see cref="HubProtocol.Json"/> (subprotocol <c>pulse.v1.json</c>, the
    /// default) or <see cref="HubProtocol.Protobuf"/> (<c>pulse.v1.protobuf</c>). The client behaves the same with
    /// either; only the frames on the wire differ. A server that does not accept the subprotocol offered fails
    /// <see cref="HubClient.ConnectAsync"/> with <see cref="InvalidHandshakeException"/>.
    /// </summary>
    public HubProtocol Protocol { get; set; } = HubProtocol.Json;

    /// <summary>
    /// Settings of the underlying WebSocket connections: keepalive ping frames, TLS, proxy, headers, sizes, and
    /// the reconnection delays (<see cref="ClientOptions.ReconnectInitialDelay"/>,
    /// <see cref="ClientOptions.ReconnectMaxDelay"/>, <see cref="ClientOptions.ReconnectFactor"/>,
    /// <see cref="ClientOptions.ReconnectResetAfter"/>). Subprotocols are set by the client from <see cref="Protocol"/>.
    /// </summary>
    public ClientOptions WebSocket { get; set; } = new();

    // Data

    /// <summary>
    /// How <see cref="HubClient.PublishAsync(string, object?, bool, CancellationToken)"/> serializes data and
    /// <see cref="HubMessage.GetData{T}"/> reads it. The default is the web defaults (<see cref="JsonSerializerDefaults.Web"/>:
    /// camelCase names, case-insensitive reading).
    /// </summary>
#if NET9_0_OR_GREATER
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = JsonSerializerOptions.Web;
#else
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = s_webDefaults;

    private static readonly JsonSerializerOptions s_webDefaults = new(JsonSerializerDefaults.Web);
#endif

    // Logging

    /// <summary>Where the client logs (reconnections, failing handlers); null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"HubClientOptions.RequestTimeout = {RequestTimeout}: must be positive.", nameof(RequestTimeout));
        }

        if (HeartbeatTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"HubClientOptions.HeartbeatTimeout = {HeartbeatTimeout}: must be positive.", nameof(HeartbeatTimeout));
        }

        if (!Enum.IsDefined(Protocol))
        {
            throw new ArgumentException($"HubClientOptions.Protocol = {(int)Protocol}: must be {nameof(HubProtocol.Json)} or {nameof(HubProtocol.Protobuf)}.", nameof(Protocol));
        }

        if (WebSocket is null)
        {
            throw new ArgumentException("HubClientOptions.WebSocket: must not be null.", nameof(WebSocket));
        }

        if (JsonSerializerOptions is null)
        {
            throw new ArgumentException("HubClientOptions.JsonSerializerOptions: must not be null.", nameof(JsonSerializerOptions));
        }

        WebSocket.Validate();
    }
}
