using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pulse;
using Pulse.Hosting;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>
/// Sets Kestrel listeners up for Pulse WebSockets. In the namespace of Kestrel's own <c>UseHttps</c>, so
/// <c>ConfigureKestrel(k =&gt; k.ListenWebSockets(...))</c> needs no <c>using</c>.
/// </summary>
public static class WebSocketListenOptionsExtensions
{
    /// <summary>
    /// Takes WebSocket upgrades to paths mapped with <c>MapWebSocket</c> straight off this listener's transport
    /// (after TLS, so call it after <c>UseHttps</c>); every other request goes on to the HTTP pipeline.
    /// Needs <see cref="Microsoft.Extensions.DependencyInjection.WebSocketServiceCollectionExtensions.AddPulseWebSockets"/>.
    /// </summary>
    public static ListenOptions UsePulseWebSockets(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        listenOptions.Use(next =>
        {
            var services = listenOptions.ApplicationServices;
            var registry = services.GetService<WebSocketEndpointRegistry>()
                ?? throw new InvalidOperationException("UsePulseWebSockets needs services.AddPulseWebSockets().");
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Pulse.WebSocketServer") ?? NullLogger.Instance;
            return new WebSocketUpgradeMiddleware(next, registry, logger).OnConnectionAsync;
        });
        return listenOptions;
    }

    /// <summary>
    /// Listens on <paramref name="host"/> (an IP address, <c>localhost</c>, <c>0.0.0.0</c>/<c>::</c> for every
    /// interface, or a name to resolve) and <paramref name="port"/> (0 picks a free one) with HTTP/1.1, TLS when
    /// a certificate is given, and the WebSocket fast path.
    /// </summary>
    public static void ListenWebSockets(this KestrelServerOptions kestrel, string host, int port, X509Certificate2? certificate = null) =>
        Listen(kestrel, host, port, certificate is null ? null : listen => listen.UseHttps(certificate));

    /// <summary>
    /// Like <see cref="ListenWebSockets(KestrelServerOptions, string, int, X509Certificate2?)"/>, serving wss with
    /// whatever certificate <paramref name="certificate"/> holds when each TLS handshake starts, so a certificate
    /// renewed on disk is used without a restart.
    /// </summary>
    public static void ListenWebSockets(this KestrelServerOptions kestrel, string host, int port, ReloadingCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Listen(kestrel, host, port, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = certificate.Context }),
        }));
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions>? useTls)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentException.ThrowIfNullOrEmpty(host);
        foreach (var address in ResolveListenAddresses(host))
        {
            kestrel.Listen(address, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                useTls?.Invoke(listen);
                listen.UsePulseWebSockets();
            });
        }
    }

    internal static IPAddress[] ResolveListenAddresses(string host)
    {
        if (host is "0.0.0.0" or "*")
        {
            return [IPAddress.Any];
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return [address];
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return [IPAddress.Loopback];
        }

        return Dns.GetHostAddresses(host);
    }
}
