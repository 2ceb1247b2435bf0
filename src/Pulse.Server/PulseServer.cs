using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pulse.Hosting;
using Pulse.Hub.Hosting;
using Pulse.Redis.Engine;
using Pulse.Server.Demos;

namespace Pulse.Server;

/// <summary>
/// The server behind <c>pulse serve</c>: the hub at <c>/ws</c>, <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>
/// on one port; in the playground (or when named) also <c>/echo</c> (every message back to its sender),
/// <c>/broadcast</c> (every message to every other connection there) and the demo pages. See
/// <see cref="ServeOptions.IsPlayground"/>.
/// </summary>
public sealed partial class PulseServer : IAsyncDisposable
{
    private readonly RunningApp _app;
    private readonly Readiness _readiness;
    private readonly MetricsExporter _metrics;
    private readonly ReloadingCertificate? _certificate;

    private PulseServer(RunningApp app, IServiceProvider services, ReloadingCertificate? certificate, Readiness readiness, MetricsExporter metrics)
    {
        var secure = certificate is not null;
        _certificate = certificate;
        _app = app;
        _readiness = readiness;
        _metrics = metrics;
        Services = services;
        var endPoints = app.EndPoints;
        BaseUri = new Uri($"{(secure ? "wss" : "ws")}://{FormatHost(endPoints[0])}/");
        HttpBaseUri = new Uri($"{(secure ? "https" : "http")}://{FormatHost(endPoints[0])}/");
    }

    /// <summary>The addresses listened on, with the ports actually bound.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => _app.EndPoints;

    /// <summary><c>ws://host:port/</c> (or wss) of the first listener.</summary>
    public Uri BaseUri { get; }

    /// <summary><c>http://host:port/</c> (or https) of the first listener.</summary>
    public Uri HttpBaseUri { get; }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Starts the server.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="IOException">The address cannot be bound.</exception>
    public static async Task<PulseServer> StartAsync(ServeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificate = options.CertificatePath is null ? null : new ReloadingCertificate(options.CertificatePath, options.KeyPath, options.CertificatePassword);
        var limiter = new ConnectionLimiter(options.MaxConnections, options.MaxConnectionsPerAddress);

        var readiness = new Readiness();
        var demos = options.ServesDemos ? new DemoSite(options.TokenSecret is null ? ServeOptions.DevelopmentTokenSecret : null) : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });

        // Logs go to stderr, so stdout carries only what the program itself says.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // A failure to start is reported by the caller in one line, not as a logged stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        RunningApp.LeaveSignalsAlone(builder.Services); // the pulse program handles SIGTERM and Ctrl+C itself
        builder.Services.AddPulseWebSockets();
        var hubBuilder = builder.Services.AddPulseHub(hub =>
        {
            hub.AllowAnonymous = options.AllowAnonymous;
            hub.TokenSecret = options.TokenSecret ?? ServeOptions.DevelopmentTokenSecret;
            hub.WebSocket.Origins = options.Origins;
            hub.WebSocket.PingInterval = options.PingInterval;
            hub.WebSocket.PingTimeout = options.PingTimeout;
            hub.WebSocket.DrainTimeout = options.DrainTimeout;
            hub.WebSocket.ProcessRequest = readiness.RefuseWhileDraining;
            hub.WebSocket.Compression.Enabled = options.Compression;
            hub.WebSocket.Limiter = limiter;
            hub.WebSocket.TrustedProxies = options.TrustedProxies;
            demos?.ConfigureHub(hub);
        });
        if (options.Engine == HubEngine.Redis)
        {
            // The same engine and hosting as any app's AddPulseHub().AddRedis(...).
            hubBuilder.AddRedis(redis =>
            {
                redis.Configuration = options.RedisConfiguration;
                redis.Prefix = options.RedisPrefix;
                redis.ConfigureRedis = configuration =>
                {
                    // The separate settings (flags, PULSE__Redis__Password) win over the configuration string.
                    configuration.User = options.RedisUser ?? configuration.User;
                    configuration.Password = options.RedisPassword ?? configuration.Password;
                    configuration.Ssl |= options.RedisTls;
                };
            });
        }
        if (demos is not null)
        {
            builder.Services.AddHostedService(_ => demos);
        }

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (certificate is null)
            {
                kestrel.ListenWebSockets(options.Host, options.Port);
            }
            else
            {
                kestrel.ListenWebSockets(options.Host, options.Port, certificate);
            }
        });

        var app = builder.Build();

        // This pipeline is routing and endpoints, nothing that could refuse an upgrade: the fast path answers them.
        app.Services.GetRequiredService<WebSocketEndpointRegistry>().PipelineHasNoMiddleware = true;
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var engine = app.Services.GetService<RedisEngine>();
        if (engine is not null)
        {
            readiness.EngineProblem = () => engine.Problem;
        }

        ServerOptions EndpointOptions(int maxMessageSize) => new()
        {
            Origins = options.Origins,
            MaxMessageSize = maxMessageSize,
            PingInterval = options.PingInterval,
            PingTimeout = options.PingTimeout,
            DrainTimeout = options.DrainTimeout,
            LoggerFactory = loggerFactory,
            ProcessRequest = readiness.RefuseWhileDraining,
            Compression = new CompressionOptions { Enabled = options.Compression },
            Limiter = limiter,
            TrustedProxies = options.TrustedProxies,
        };

        var hubNode = app.Services.GetRequiredService<HubNode>();
        async Task DrainAsync()
        {
            // Out of rotation first, then hub clients told to reconnect elsewhere (1012); the library then closes
            // the plain WebSocket connections with 1001 and waits for everything up to the drain timeout.
            await readiness.DrainAsync().ConfigureAwait(false);
            var pendingAcks = hubNode.PendingAcks;
            var closed = hubNode.DisconnectAll(CloseCode.ServiceRestart, "service restart");
            Log.Draining(loggerFactory.CreateLogger<PulseServer>(), closed, pendingAcks);
        }


        var metrics = new MetricsExporter("Pulse");
        GC.KeepAlive(Pulse.Internal.PulseMetrics.Meter); // the library's instruments exist from the start: /metrics lists them at zero
        app.MapGet("/healthz", () => Results.Text("OK\n"));
        app.MapGet("/readyz", () => readiness.State switch
        {
            ReadinessState.Ready when readiness.EngineProblem?.Invoke() is { } problem => Results.Text($"not ready: {problem}\n", statusCode: StatusCodes.Status503ServiceUnavailable),
            ReadinessState.Ready => Results.Text("ready\n"),
            var state => Results.Text(state == ReadinessState.Draining ? "draining\n" : "starting\n", statusCode: StatusCodes.Status503ServiceUnavailable),
        });
        app.MapGet("/metrics", () => Results.Text(metrics.Write(), MetricsExporter.ContentType));
        if (options.ServesEcho)
        {
            app.MapWebSocket("/echo", Endpoints.EchoAsync, EndpointOptions(options.EchoMaxMessageSize));
        }

        if (options.ServesBroadcast)
        {
            var room = new BroadcastRoom();
            app.MapWebSocket("/broadcast", room.RunAsync, EndpointOptions(options.EchoMaxMessageSize));
        }

        app.MapPulseHub("/ws");
        demos?.Map(app, hubNode);
        if (options.AdminApiKey is { } apiKey)
        {
            AdminApi.Map(app, apiKey, hubNode);
        }

        var logger = loggerFactory.CreateLogger<PulseServer>();

        RunningApp running;
        try
        {
            running = await RunningApp.StartAsync(app, beforeStop: DrainAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // In use (IOException), not an address of this machine or a privileged port (SocketException).
            metrics.Dispose();
            certificate?.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot listen on {options.Host}:{options.Port}: {e.Message}", e);
        }

        if (engine?.Problem is { } problem)
        {
            Log.EngineUnreachable(logger, problem);
        }

        Log.Listening(logger, string.Join(", ", running.Addresses), string.Join(", ", ServedPaths(options)));
        if (options.IsPlayground)
        {
            Log.Playground(logger, Parts(options, on: true), Parts(options, on: false));
        }
        else
        {
            Log.Production(logger, ProductionReason(options), Parts(options, on: true), Parts(options, on: false));
        }

        if (options.AllowAnonymous)
        {
            Log.AnonymousAccess(logger);
        }

        if (options.TokenSecret is null)
        {
            Log.DevelopmentSecret(logger);
        }

        if (options.AdminApiKey is null)
        {
            Log.AdminApiOff(logger);
        }
        readiness.State = ReadinessState.Ready;
        if (certificate is not null)
        {
            Log.Certificate(logger, certificate.Certificate.Subject, certificate.Certificate.NotAfter);
            certificate.Reloaded += loaded => Log.CertificateReloaded(logger, loaded.Subject, loaded.NotAfter);
            certificate.ReloadFailed += error => Log.CertificateReloadFailed(logger, error.Message);
        }

        var server = new PulseServer(running, app.Services, certificate, readiness, metrics);
        engine?.Address = server.HttpBaseUri.ToString();
        return server;
    }

    /// <summary>Stops: refuses new connections, closes open ones with 1001, waits for them up to the drain timeout.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>Completes when the server has stopped.</summary>
    public Task WaitClosedAsync(CancellationToken cancellationToken = default) => _app.Stopped.WaitAsync(cancellationToken);

    /// <summary>Whether <c>/readyz</c> answers 200: started and not draining.</summary>
    public bool IsReady => _readiness.IsReady;

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _metrics.Dispose();
        _certificate?.Dispose();
    }

    // The paths served, in the order the listening line names them.
    private static IEnumerable<string> ServedPaths(ServeOptions options)
    {
        yield return "/ws (hub)";
        if (options.ServesEcho)
        {
            yield return "/echo";
        }

        if (options.ServesBroadcast)
        {
            yield return "/broadcast";
        }

        yield return "/healthz";
        yield return "/readyz";
        yield return "/metrics";
        if (options.ServesDemos)
        {
            yield return "/ and /pulse.js (demo pages)";
        }

        if (options.AdminApiKey is not null)
        {
            yield return "/api (admin)";
        }
    }

    private static string ProductionReason(ServeOptions options) => (options.TokenSecret is null, options.AllowAnonymous) switch
    {
        (false, false) => "a token secret is set and anonymous access is off",
        (false, true) => "a token secret is set",
        _ => "anonymous access is off",
    };

    // The playground's parts that are on (or off), each with the flag that names it.
    private static string Parts(ServeOptions options, bool on)
    {
        var parts = new (string Name, bool Served)[]
        {
            ("demo pages and channels (--demos)", options.ServesDemos),
            ("/echo (--echo)", options.ServesEcho),
            ("/broadcast (--broadcast)", options.ServesBroadcast),
        };
        var chosen = parts.Where(part => part.Served == on).Select(part => part.Name).ToList();
        return chosen.Count == 0 ? "none" : string.Join(", ", chosen);
    }

    private static string FormatHost(IPEndPoint endPoint) =>
        endPoint.Address.Equals(IPAddress.Any) ? $"127.0.0.1:{endPoint.Port}" : endPoint.ToString();

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Pulse listening on {Addresses}: {Paths}", EventName = "Listening")]
        public static partial void Listening(ILogger logger, string addresses, string paths);

        [LoggerMessage(109, LogLevel.Warning, "Playground mode (nothing configured): on: {On}; off: {Off}; a token secret or --no-anonymous switches to production mode, where these are off unless named", EventName = "PlaygroundMode")]
        public static partial void Playground(ILogger logger, string on, string off);

        [LoggerMessage(110, LogLevel.Information, "Production mode ({Reason}): playground parts on by name: {On}; off: {Off}", EventName = "ProductionMode")]
        public static partial void Production(ILogger logger, string reason, string on, string off);

        [LoggerMessage(101, LogLevel.Warning, "Hub: anonymous clients may connect, subscribe, publish and read presence and history in any channel (development default; turn it off with --no-anonymous)", EventName = "AnonymousAccess")]
        public static partial void AnonymousAccess(ILogger logger);

        [LoggerMessage(102, LogLevel.Warning, "Hub: tokens are signed with the development secret; set PULSE_TOKEN_SECRET or --token-secret in production", EventName = "DevelopmentSecret")]
        public static partial void DevelopmentSecret(ILogger logger);

        [LoggerMessage(104, LogLevel.Information, "Draining: not ready any more, new upgrades get 503; {HubClients} hub clients closed with 1012 (service restart); {PendingAcks} deliveries were still waiting for an ack", EventName = "Draining")]
        public static partial void Draining(ILogger logger, int hubClients, int pendingAcks);

        [LoggerMessage(105, LogLevel.Information, "TLS certificate {Subject}, valid until {NotAfter:u}; reloaded when its files change", EventName = "Certificate")]
        public static partial void Certificate(ILogger logger, string subject, DateTime notAfter);

        [LoggerMessage(106, LogLevel.Information, "TLS certificate reloaded: {Subject}, valid until {NotAfter:u}; new connections use it", EventName = "CertificateReloaded")]
        public static partial void CertificateReloaded(ILogger logger, string subject, DateTime notAfter);

        [LoggerMessage(107, LogLevel.Warning, "TLS certificate files changed but could not be loaded, still serving the previous one: {Error}", EventName = "CertificateReloadFailed")]
        public static partial void CertificateReloadFailed(ILogger logger, string error);

        [LoggerMessage(108, LogLevel.Warning, "Hub engine not reachable yet ({Problem}); serving, but /readyz answers 503 until it is", EventName = "EngineUnreachable")]
        public static partial void EngineUnreachable(ILogger logger, string problem);

        [LoggerMessage(103, LogLevel.Information, "Admin API off: no API key configured (set Pulse:Admin:ApiKey, PULSE__Admin__ApiKey or --admin-api-key to serve /api)", EventName = "AdminApiOff")]
        public static partial void AdminApiOff(ILogger logger);
    }
}
