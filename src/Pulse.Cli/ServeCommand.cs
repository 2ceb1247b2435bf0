using System.CommandLine;
using System.Runtime.InteropServices;
using Pulse.Server;

namespace Pulse.Cli;

/// <summary><c>pulse serve</c>: runs the server until SIGTERM or Ctrl+C, then drains and exits 0.</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var config = new Option<string?>("--config") { Description = "JSON configuration file (the \"Pulse\" section). Default: ./appsettings.json if present." };
        var printConfig = new Option<bool>("--print-config") { Description = "Print the effective configuration (secrets masked) and exit." };
        var listen = new Option<string?>("--listen") { Description = "Address and port to listen on: HOST:PORT, [IPv6]:PORT or PORT. Default: 127.0.0.1:8765." };
        var certificate = new Option<string?>("--cert") { Description = "TLS certificate file (PEM or PFX) to serve wss." };
        var key = new Option<string?>("--key") { Description = "PEM private key file, when not inside the certificate file." };
        var password = new Option<string?>("--cert-password") { Description = "Password of a PFX certificate." };
        var origins = new Option<string[]>("--origin") { Description = "An allowed Origin (exact, or https://*.example.com); repeat for several. Default: any.", AllowMultipleArgumentsPerToken = false };
        var drain = new Option<string?>("--drain-timeout") { Description = "Seconds to wait for connections to close on shutdown. Default: 10." };
        var tokenSecret = new Option<string?>("--token-secret") { Description = "HS256 secret of hub tokens (at least 32 characters). Default: $PULSE_TOKEN_SECRET, else the development secret." };
        var tokenSecretFile = new Option<string?>("--token-secret-file") { Description = "A file holding the HS256 secret of hub tokens." };
        var adminKey = new Option<string?>("--admin-api-key") { Description = "Key of the admin HTTP API under /api (at least 16 characters). Default: none, the admin API is off." };
        var noAnonymous = new Option<bool>("--no-anonymous") { Description = "Require a token on the hub (anonymous clients are allowed by default, for development)." };
        var noCompression = new Option<bool>("--no-compression") { Description = "Do not negotiate permessage-deflate (RFC 7692) compression." };
        var maxConnections = new Option<string?>("--max-connections") { Description = "Most WebSocket connections open at once over all paths; more get 503 before the upgrade. Default: no limit." };
        var maxPerIp = new Option<string?>("--max-connections-per-ip") { Description = "Most WebSocket connections open at once from one client address; more get 503. Default: no limit." };
        var trustedProxies = new Option<string[]>("--trusted-proxy") { Description = "A reverse proxy (address or CIDR network) whose X-Forwarded-For names the client; repeat for several. Default: none.", AllowMultipleArgumentsPerToken = false };
        var engine = new Option<string?>("--engine") { Description = "Where the hub keeps channels, history and presence: memory (one node, the default) or redis (several nodes as one)." };
        var redis = new Option<string?>("--redis") { Description = "Redis of --engine redis: a StackExchange.Redis configuration string, HOST:PORT[,HOST:PORT...][,option=value...] (password=, ssl=true, serviceName= for Sentinel, ...). Default: 127.0.0.1:6379." };
        var redisUser = new Option<string?>("--redis-user") { Description = "Redis ACL user (needs --redis-password)." };
        var redisPassword = new Option<string?>("--redis-password") { Description = "Redis password (prefer PULSE__Redis__Password)." };
        var redisTls = new Option<bool>("--redis-tls") { Description = "Speak TLS to Redis." };
        var logLevel = new Option<string?>("--log-level") { Description = "Least severe log level: Trace, Debug, Information, Warning, Error. Default: Information." };
        var demos = new Option<bool>("--demos") { Description = "Serve the demo pages and their channels (--demos false: not). Default: on in the playground (nothing configured), off once a token secret is set or anonymous access is off." };
        var echo = new Option<bool>("--echo") { Description = "Serve /echo (--echo false: not). Default: as --demos." };
        var broadcast = new Option<bool>("--broadcast") { Description = "Serve /broadcast (--broadcast false: not). Default: as --demos." };

        var command = new Command("serve", "Run the Pulse server: the hub at /ws and /healthz; with nothing configured also the playground (demo pages, /echo, /broadcast).")
        {
            config, printConfig, listen, certificate, key, password, origins, drain, tokenSecret, tokenSecretFile, adminKey, noAnonymous, noCompression,
            demos, echo, broadcast, maxConnections, maxPerIp, trustedProxies, logLevel, engine, redis, redisUser, redisPassword, redisTls,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Only the flags actually given go over the file and the environment.
            var flags = new Dictionary<string, (string Flag, string? Value)>(StringComparer.OrdinalIgnoreCase);
            void Flag(string settingKey, Option option, string? value)
            {
                if (parse.GetResult(option) is { Implicit: false })
                {
                    flags[settingKey] = (option.Name, value);
                }
            }

            Flag("Listen", listen, parse.GetValue(listen));
            Flag("Tls:Certificate", certificate, parse.GetValue(certificate));
            Flag("Tls:Key", key, parse.GetValue(key));
            Flag("Tls:Password", password, parse.GetValue(password));
            Flag("Origins", origins, string.Join(',', parse.GetValue(origins) ?? []));
            Flag("DrainTimeout", drain, parse.GetValue(drain));
            Flag("Hub:TokenSecret", tokenSecret, parse.GetValue(tokenSecret));
            Flag("Hub:TokenSecretFile", tokenSecretFile, parse.GetValue(tokenSecretFile));
            Flag("Admin:ApiKey", adminKey, parse.GetValue(adminKey));
            if (parse.GetValue(noAnonymous))
            {
                Flag("Hub:AllowAnonymous", noAnonymous, "false");
            }

            if (parse.GetValue(noCompression))
            {
                Flag("Compression", noCompression, "false");
            }

            Flag("Demos", demos, parse.GetValue(demos) ? "true" : "false");
            Flag("Endpoints:Echo", echo, parse.GetValue(echo) ? "true" : "false");
            Flag("Endpoints:Broadcast", broadcast, parse.GetValue(broadcast) ? "true" : "false");
            Flag("Limits:MaxConnections", maxConnections, parse.GetValue(maxConnections));
            Flag("Limits:MaxConnectionsPerIp", maxPerIp, parse.GetValue(maxPerIp));
            Flag("TrustedProxies", trustedProxies, string.Join(',', parse.GetValue(trustedProxies) ?? []));
            Flag("LogLevel", logLevel, parse.GetValue(logLevel));
            Flag("Engine", engine, parse.GetValue(engine));
            Flag("Redis:Configuration", redis, parse.GetValue(redis));
            Flag("Redis:User", redisUser, parse.GetValue(redisUser));
            Flag("Redis:Password", redisPassword, parse.GetValue(redisPassword));
            if (parse.GetValue(redisTls))
            {
                Flag("Redis:Tls", redisTls, "true");
            }

            var settings = ServeSettings.Load(parse.GetValue(config), Environment.GetEnvironmentVariables(), flags);
            if (parse.GetValue(printConfig))
            {
                foreach (var line in settings.Describe())
                {
                    await console.Output.WriteLineAsync(line).ConfigureAwait(false);
                }

                return 0;
            }

            return await RunAsync(settings.Options, console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(ServeOptions options, CliConsole console, CancellationToken cancellationToken)
    {
        PulseServer server;
        try
        {
            server = await PulseServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            // The message names the file or option.
            throw new UsageException(UsageException.MessageOf(e));
        }
        catch (IOException e)
        {
            await console.Error.WriteLineAsync($"pulse serve: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            void Stop(PosixSignalContext context)
            {
                // Take over the signal: drain first, then exit 0 on our own.
                context.Cancel = true;
                _ = server.StopAsync();
            }

            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var cancelled = cancellationToken.Register(() => _ = server.StopAsync());
            var echoPart = options.ServesEcho ? $", echo: {server.BaseUri}echo" : "";
            var demosPart = options.ServesDemos ? $", demo pages: {server.HttpBaseUri}" : "";
            await console.Output.WriteLineAsync($"pulse serve: listening on {server.BaseUri} (hub: {server.BaseUri}ws{echoPart}, health: {server.HttpBaseUri}healthz{demosPart})").ConfigureAwait(false);
            await console.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await server.WaitClosedAsync(CancellationToken.None).ConfigureAwait(false);
            await console.Output.WriteLineAsync("pulse serve: stopped").ConfigureAwait(false);
        }

        return 0;
    }
}
