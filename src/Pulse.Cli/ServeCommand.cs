using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Pulse.Server;

namespace Pulse.Cli;

/// <summary><c>pulse serve</c>: runs the server until SIGTERM or Ctrl+C, then drains and exits 0.</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var listen = new Option<string>("--listen") { Description = "Address and port to listen on: HOST:PORT, [IPv6]:PORT or PORT.", DefaultValueFactory = _ => "127.0.0.1:8765" };
        var certificate = new Option<string?>("--cert") { Description = "TLS certificate file (PEM or PFX) to serve wss." };
        var key = new Option<string?>("--key") { Description = "PEM private key file, when not inside the certificate file." };
        var password = new Option<string?>("--cert-password") { Description = "Password of a PFX certificate." };
        var origins = new Option<string[]>("--origin") { Description = "An allowed Origin (exact, or https://*.example.com); repeat for several. Default: any.", AllowMultipleArgumentsPerToken = false };
        var drain = new Option<double>("--drain-timeout") { Description = "Seconds to wait for connections to close on shutdown.", DefaultValueFactory = _ => 10 };
        var tokenSecret = new Option<string?>("--token-secret") { Description = "HS256 secret of hub tokens (at least 32 characters). Default: $PULSE_TOKEN_SECRET, else the development secret." };
        var noAnonymous = new Option<bool>("--no-anonymous") { Description = "Require a token on the hub (anonymous clients are allowed by default, for development)." };
        var noCompression = new Option<bool>("--no-compression") { Description = "Do not negotiate permessage-deflate (RFC 7692) compression." };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Least severe log level: Trace, Debug, Information, Warning, Error.", DefaultValueFactory = _ => LogLevel.Information };

        var command = new Command("serve", "Run the Pulse server: the hub at /ws, /echo, /broadcast and /healthz.") { listen, certificate, key, password, origins, drain, tokenSecret, noAnonymous, noCompression, logLevel };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var address = ListenAddress.Parse(parse.GetValue(listen)!);
            var drainSeconds = parse.GetValue(drain);
            if (drainSeconds <= 0 || double.IsNaN(drainSeconds))
            {
                throw new UsageException($"--drain-timeout {drainSeconds.ToString(CultureInfo.InvariantCulture)}: must be a positive number of seconds");
            }

            var options = new ServeOptions
            {
                Host = address.Host,
                Port = address.Port,
                CertificatePath = parse.GetValue(certificate),
                KeyPath = parse.GetValue(key),
                CertificatePassword = parse.GetValue(password),
                Origins = parse.GetValue(origins) is { Length: > 0 } list ? list : null,
                DrainTimeout = TimeSpan.FromSeconds(drainSeconds),
                TokenSecret = parse.GetValue(tokenSecret) ?? NonEmpty(Environment.GetEnvironmentVariable("PULSE_TOKEN_SECRET")),
                AllowAnonymous = !parse.GetValue(noAnonymous),
                Compression = !parse.GetValue(noCompression),
                LogLevel = parse.GetValue(logLevel),
            };
            return await RunAsync(options, console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task<int> RunAsync(ServeOptions options, CliConsole console, CancellationToken cancellationToken)
    {
        PulseServer server;
        try
        {
            server = await PulseServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
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
            await console.Output.WriteLineAsync($"pulse serve: listening on {server.BaseUri} (hub: {server.BaseUri}ws, echo: {server.BaseUri}echo, health: {server.HttpBaseUri}healthz)").ConfigureAwait(false);
            await console.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await server.WaitClosedAsync(CancellationToken.None).ConfigureAwait(false);
            await console.Output.WriteLineAsync("pulse serve: stopped").ConfigureAwait(false);
        }

        return 0;
    }
}
