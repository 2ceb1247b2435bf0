using System.CommandLine;
using System.Security.Cryptography.X509Certificates;

namespace Pulse.Cli;

/// <summary>
/// <c>pulse connect URL</c>: an interactive client like <c>python -m websockets URL</c>. Lines typed are sent
/// as text messages; messages received are printed as <c>&lt; text</c>; at the end of input it closes cleanly
/// and prints the close code.
/// </summary>
internal static class ConnectCommand
{
    public static Command Create(CliConsole console)
    {
        var url = new Argument<string>("url") { Description = "The server's ws:// or wss:// address." };
        var headers = new Option<string[]>("--header", "-H") { Description = "An extra request header, 'Name: value'; repeat for several." };
        var subprotocols = new Option<string[]>("--subprotocol") { Description = "A subprotocol to offer; repeat for several." };
        var origin = new Option<string?>("--origin") { Description = "The Origin header to send." };
        var insecure = new Option<bool>("--insecure", "-k") { Description = "Accept any TLS certificate (development only)." };
        var ca = new Option<string?>("--ca") { Description = "A PEM file of certificates to trust for wss (a private CA or a self-signed server)." };

        var command = new Command("connect", "Open a WebSocket connection and talk over it interactively.") { url, headers, subprotocols, origin, insecure, ca };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ClientOptions
            {
                Origin = parse.GetValue(origin),
                DangerousAcceptAnyServerCertificate = parse.GetValue(insecure),
                PingInterval = null,
            };
            foreach (var header in parse.GetValue(headers) ?? [])
            {
                var colon = header.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new UsageException($"--header '{header}': expected 'Name: value'");
                }

                options.Headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].Trim()));
            }

            foreach (var subprotocol in parse.GetValue(subprotocols) ?? [])
            {
                options.Subprotocols.Add(subprotocol);
            }

            if (parse.GetValue(ca) is { } caPath)
            {
                options.TrustedCertificates = LoadTrust(caPath);
            }

            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var uri) || (uri.Scheme != "ws" && uri.Scheme != "wss"))
            {
                throw new UsageException($"'{parse.GetValue(url)}' is not a ws:// or wss:// URL");
            }

            return await RunAsync(uri, options, console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static X509Certificate2Collection LoadTrust(string path)
    {
        var trust = new X509Certificate2Collection();
        try
        {
            trust.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new UsageException($"--ca '{path}': {e.Message}");
        }

        return trust;
    }

    private static async Task<int> RunAsync(Uri uri, ClientOptions options, CliConsole console, CancellationToken cancellationToken)
    {
        WebSocketConnection connection;
        try
        {
            connection = await WebSocketClient.ConnectAsync(uri, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectFailedException or InvalidHandshakeException)
        {
            await console.Error.WriteLineAsync($"pulse connect: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (ArgumentException e)
        {
            // A header, subprotocol or origin the handshake cannot carry: bad input, said without the parameter's name.
            throw new UsageException(UsageException.MessageOf(e));
        }

        try
        {
            await console.Error.WriteLineAsync($"Connected to {uri}{(connection.Subprotocol is { } p ? $" ({p})" : "")}.").ConfigureAwait(false);
            var lastMessage = new LastMessage();
            var printing = PrintIncomingAsync(connection, console, lastMessage);
            // Console.In reads synchronously even through ReadLineAsync: on its own thread, so a connection the
            // server closes ends the command while the user's input is still open.
            var sending = Task.Run(() => SendInputAsync(connection, console, cancellationToken), CancellationToken.None);
            await Task.WhenAny(printing, sending).ConfigureAwait(false);
            if (sending.IsCompleted)
            {
                // End of input: let the replies to the last lines arrive (the server may not send data after our
                // close), then close cleanly and let the printer see the rest out.
                await lastMessage.WaitForQuietAsync(printing).ConfigureAwait(false);
                try
                {
                    await connection.CloseAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
                }
                catch (ConnectionClosedException)
                {
                }
            }

            await printing.ConfigureAwait(false);
            var status = connection.CloseStatus ?? new CloseFrame(CloseCode.AbnormalClosure, "");
            await console.Error.WriteLineAsync($"Connection closed: {status}.").ConfigureAwait(false);
            return CloseCodes.IsOk(status.Code) ? 0 : 1;
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task PrintIncomingAsync(WebSocketConnection connection, CliConsole console, LastMessage lastMessage)
    {
        try
        {
            await foreach (var message in connection.ConfigureAwait(false))
            {
                lastMessage.Touch();
                var line = message.IsText ? $"< {message.Text}" : $"< (binary) {Convert.ToHexStringLower(message.Data.Span)}";
                await console.Output.WriteLineAsync(line).ConfigureAwait(false);
                await console.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (ConnectionClosedException)
        {
            // Reported from CloseStatus by the caller.
        }
    }

    private static async Task SendInputAsync(WebSocketConnection connection, CliConsole console, CancellationToken cancellationToken)
    {
        while (await console.Input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            try
            {
                await connection.SendAsync(line, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectionClosedException)
            {
                return;
            }
        }
    }

    /// <summary>When the last message arrived, so the end of input can wait for the replies still on their way.</summary>
    private sealed class LastMessage
    {
        private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(300);
        private static readonly TimeSpan s_longest = TimeSpan.FromSeconds(3);
        private long _at = Environment.TickCount64;

        public void Touch() => Volatile.Write(ref _at, Environment.TickCount64);

        /// <summary>Waits until nothing has arrived for a moment (at most a few seconds), or the connection ended.</summary>
        public async Task WaitForQuietAsync(Task printing)
        {
            Touch();
            var deadline = Environment.TickCount64 + (long)s_longest.TotalMilliseconds;
            while (!printing.IsCompleted && Environment.TickCount64 < deadline)
            {
                var quietFor = Environment.TickCount64 - Volatile.Read(ref _at);
                if (quietFor >= s_quiet.TotalMilliseconds)
                {
                    return;
                }

                await Task.WhenAny(printing, Task.Delay(s_quiet - TimeSpan.FromMilliseconds(quietFor))).ConfigureAwait(false);
            }
        }
    }
}
