using System.Security.Cryptography.X509Certificates;

namespace Pulse;

/// <summary>Settings of a WebSocket client, grouped as websockets groups <c>connect()</c>'s arguments.</summary>
public sealed class ClientOptions : ConnectionOptions
{
    // WebSocket

    /// <summary>Subprotocols to offer, most preferred first. Empty by default.</summary>
    public IList<string> Subprotocols { get; set; } = [];

    /// <summary>The <c>Origin</c> header to send; null sends none.</summary>
    public string? Origin { get; set; }

    // HTTP

    /// <summary>Extra request headers, such as <c>Authorization</c>.</summary>
    public IList<KeyValuePair<string, string>> Headers { get; set; } = [];

    /// <summary>
    /// An HTTP proxy to tunnel through with CONNECT, such as <c>http://proxy:3128</c>. When null, the
    /// <c>HTTPS_PROXY</c> (for wss) or <c>HTTP_PROXY</c> (for ws) environment variable is used, honouring <c>NO_PROXY</c>.
    /// </summary>
    public Uri? Proxy { get; set; }

    /// <summary>Whether to read the proxy from the environment when <see cref="Proxy"/> is null. The default is true.</summary>
    public bool UseProxyFromEnvironment { get; set; } = true;

    // TLS

    /// <summary>
    /// Certificates to trust as roots for wss, in place of the system store (a private CA or a self-signed
    /// server certificate). Null, the default, uses the system store.
    /// </summary>
    public X509Certificate2Collection? TrustedCertificates { get; set; }

    /// <summary>Accepts any server certificate. Only for development: it defeats TLS's protection.</summary>
    public bool DangerousAcceptAnyServerCertificate { get; set; }

    // Timeouts

    /// <summary>How long resolving, connecting, TLS and the opening handshake may take together. The default is 10 seconds.</summary>
    public TimeSpan OpenTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // Reconnecting (ConnectForeverAsync)

    /// <summary>The first delay before reconnecting. The default is 1 second.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between reconnection attempts. The default is 60 seconds.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How much the delay grows after each failed attempt. The default is 1.618.</summary>
    public double ReconnectFactor { get; set; } = 1.618;

    /// <summary>A connection that stays up this long resets the delay to its initial value. The default is 60 seconds.</summary>
    public TimeSpan ReconnectResetAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        CheckPositive(OpenTimeout, nameof(OpenTimeout));
        CheckPositive(ReconnectInitialDelay, nameof(ReconnectInitialDelay));
        CheckPositive(ReconnectMaxDelay, nameof(ReconnectMaxDelay));
        CheckPositive(ReconnectResetAfter, nameof(ReconnectResetAfter));
        if (ReconnectFactor < 1)
        {
            throw Invalid(nameof(ReconnectFactor), ReconnectFactor, "must be at least 1");
        }

        if (Proxy is { } proxy && proxy.Scheme != "http")
        {
            throw Invalid(nameof(Proxy), proxy, "must be an http:// proxy address");
        }
    }
}
