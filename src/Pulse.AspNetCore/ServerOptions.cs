using System.Net;
using System.Security.Cryptography.X509Certificates;
using Pulse.Protocol;

namespace Pulse;

/// <summary>Settings of a WebSocket server, grouped as websockets groups <c>serve()</c>'s arguments.</summary>
public sealed class ServerOptions : ConnectionOptions
{
    // WebSocket

    /// <summary>
    /// Allowed values of the <c>Origin</c> header: exact (<c>https://example.com</c>) or wildcard subdomain
    /// (<c>https://*.example.com</c>). Null, the default, allows any origin; a disallowed origin gets 403.
    /// </summary>
    public IList<string>? Origins { get; set; }

    /// <summary>Subprotocols the server speaks, most preferred first. Empty by default.</summary>
    public IList<string> Subprotocols { get; set; } = [];

    // HTTP

    /// <summary>
    /// Answers a request before the upgrade: return a response (a health check, a 403) to send it instead of
    /// upgrading, or null to go on with the handshake. Runs for every request to a WebSocket path.
    /// </summary>
    public Func<HandshakeRequest, HandshakeResponse?>? ProcessRequest { get; set; }

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For</c> header is believed: when the TCP peer is in one of these networks,
    /// the client address (in logs, <see cref="WebSocketConnection.RemoteEndPoint"/> and the per-address limit) is the
    /// nearest untrusted address in that header. Empty, the default, believes no one and uses the TCP peer.
    /// </summary>
    public IList<IPNetwork> TrustedProxies { get; set; } = [];

    /// <summary>The server certificate (with its private key) for wss; null serves plain ws. See <see cref="TlsCertificate"/>.</summary>
    public X509Certificate2? Certificate { get; set; }

    // Timeouts

    /// <summary>How long a client may take to send its opening handshake before it is dropped. The default is 10 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <c>StopAsync</c> waits for connections to close after sending 1001. The default is 10 seconds.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // Limits

    /// <summary>The most WebSocket connections open at once; further upgrades get 503. Null, the default, sets no limit.</summary>
    public int? MaxConnections { get; set; }

    /// <summary>
    /// The most WebSocket connections open at once from one client address; further upgrades from it get 503.
    /// Null, the default, sets no limit. Behind a proxy, see <see cref="TrustedProxies"/>.
    /// </summary>
    public int? MaxConnectionsPerAddress { get; set; }

    /// <summary>
    /// A limiter shared with other endpoints, checked besides this endpoint's own limits: one instance given to
    /// several endpoints holds them to one overall and per-address limit together. Null by default.
    /// </summary>
    public ConnectionLimiter? Limiter { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        CheckPositive(HandshakeTimeout, nameof(HandshakeTimeout));
        CheckPositive(DrainTimeout, nameof(DrainTimeout));
        if (MaxConnections is <= 0)
        {
            throw Invalid(nameof(MaxConnections), MaxConnections, "must be positive");
        }

        if (MaxConnectionsPerAddress is <= 0)
        {
            throw Invalid(nameof(MaxConnectionsPerAddress), MaxConnectionsPerAddress, "must be positive");
        }

        if (Origins is not null)
        {
            try
            {
                _ = new OriginPolicy(Origins);
            }
            catch (ArgumentException e)
            {
                throw Invalid(nameof(Origins), string.Join(",", Origins), e.Message);
            }
        }

        if (Certificate is { HasPrivateKey: false })
        {
            throw Invalid(nameof(Certificate), Certificate.Subject, "has no private key");
        }
    }
}
