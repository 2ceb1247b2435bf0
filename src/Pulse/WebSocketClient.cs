using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Pulse.Hosting;
using Pulse.Internal;
using Pulse.Protocol;

namespace Pulse;

/// <summary>Opens client connections, like websockets' <c>connect()</c>.</summary>
/// <example>
/// <code>
/// await using var ws = await WebSocketClient.ConnectAsync(new Uri("ws://127.0.0.1:8765"));
/// await ws.SendAsync("hello");
/// var reply = await ws.ReceiveAsync();
/// </code>
/// </example>
public static partial class WebSocketClient
{
    /// <summary>Opens a connection to <paramref name="uri"/> (ws:// or wss://).</summary>
    /// <exception cref="ArgumentException">The URI is not an absolute ws:// or wss:// URI, or an option is invalid.</exception>
    /// <exception cref="ConnectFailedException">The server could not be reached: DNS, refused, timeout, proxy or TLS.</exception>
    /// <exception cref="InvalidStatusException">The server answered with an HTTP status other than 101.</exception>
    /// <exception cref="InvalidHandshakeException">The server's answer was not a valid WebSocket upgrade.</exception>
    public static Task<WebSocketConnection> ConnectAsync(string uri, ClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            ? ConnectAsync(parsed, options, cancellationToken)
            : throw new ArgumentException($"not a valid WebSocket URI: {uri}", nameof(uri));
    }

    /// <inheritdoc cref="ConnectAsync(string, ClientOptions?, CancellationToken)"/>
    public static async Task<WebSocketConnection> ConnectAsync(Uri uri, ClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            throw new ArgumentException($"not a ws:// or wss:// URI: {uri}", nameof(uri));
        }

        options ??= new ClientOptions();
        options.Validate();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.OpenTimeout);
        var token = deadline.Token;
        Stream? stream = null;
        try
        {
            var proxy = ProxySettings.Resolve(uri, options.Proxy, options.UseProxyFromEnvironment, Environment.GetEnvironmentVariable);
            var socket = proxy is null
                ? await OpenSocketAsync(uri.IdnHost, uri.Port, token).ConfigureAwait(false)
                : await OpenSocketAsync(proxy.IdnHost, proxy.Port, token).ConfigureAwait(false);
            var remoteEndPoint = socket.RemoteEndPoint;
            stream = new NetworkStream(socket, ownsSocket: true);
            if (proxy is not null)
            {
                await TunnelAsync(stream, uri, proxy, token).ConfigureAwait(false);
            }

            if (uri.Scheme == "wss")
            {
                stream = await AuthenticateAsync(stream, uri.IdnHost, options, token).ConfigureAwait(false);
            }

            var transport = DuplexPipe.Over(stream);
            var handshake = new ClientHandshake(uri, [.. options.Subprotocols], options.Origin, options.Headers, compression: options.Compression);
            HttpParser.WriteRequest(transport.Output, handshake.Request);
            await transport.Output.FlushAsync(token).ConfigureAwait(false);
            var response = await ReadResponseAsync(transport.Input, secure: uri.Scheme == "wss", token).ConfigureAwait(false);
            var result = handshake.Validate(response);
            if (!result.Accepted)
            {
                throw new InvalidHandshakeException(result.Error ?? "invalid handshake response");
            }

            var opened = stream;
            var connection = new WebSocketConnection(transport, opened.Dispose, Role.Client, options, handshake.Request, response, remoteEndPoint, result.Subprotocol, result.Compression);
            _ = RunAsync(connection, opened);
            return connection;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            stream?.Dispose();
            throw new ConnectFailedException($"timed out after {options.OpenTimeout.TotalSeconds:0.###} s opening {uri}", e);
        }
        catch
        {
            stream?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects again and again, like <c>async for websocket in connect(...)</c>: yields a connection, and once
    /// it is closed, opens the next one after a delay that grows with each failed attempt (exponential backoff
    /// with jitter, capped) and resets after a connection that stayed up. Unreachable servers and HTTP 500,
    /// 502, 503 and 504 are retried; other handshake failures are thrown.
    /// </summary>
    public static async IAsyncEnumerable<WebSocketConnection> ConnectForeverAsync(Uri uri, ClientOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new ClientOptions();
        options.Validate();
        var logger = options.LoggerFactory?.CreateLogger("Pulse.WebSocketClient");
        var backoff = new Backoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay, options.ReconnectFactor, Random.Shared.NextDouble);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WebSocketConnection? connection = null;
            try
            {
                connection = await ConnectAsync(uri, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsRetryable(e) && !cancellationToken.IsCancellationRequested)
            {
                var delay = backoff.Next();
                if (logger is not null)
                {
                    Log.Retrying(logger, uri, e.Message, delay.TotalSeconds);
                }

                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var openedAt = TimeProvider.System.GetTimestamp();
            try
            {
                yield return connection;
                await connection.Closed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Leaving the loop closes the connection the caller was using.
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            if (TimeProvider.System.GetElapsedTime(openedAt) >= options.ReconnectResetAfter)
            {
                backoff.Reset();
            }
            else
            {
                // A connection that dropped soon after opening counts as a failure: wait before the next.
                await Task.Delay(backoff.Next(), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool IsRetryable(Exception e) => e switch
    {
        ConnectFailedException => true,
        InvalidStatusException status => status.StatusCode is 500 or 502 or 503 or 504,
        InvalidHandshakeException => false,
        IOException => true,
        _ => false,
    };

    private static async Task RunAsync(WebSocketConnection connection, Stream stream)
    {
        try
        {
            await connection.RunAsync(handler: null).ConfigureAwait(false);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<Socket> OpenSocketAsync(string host, int port, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new ConnectFailedException($"could not resolve host {host}: {e.Message}", e);
            }
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, port, cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last?.SocketErrorCode == SocketError.ConnectionRefused
            ? new ConnectFailedException($"connection refused by {host}:{port}", last)
            : new ConnectFailedException($"could not connect to {host}:{port}: {last?.Message ?? "no address"}", last);
    }

    private static async Task TunnelAsync(Stream stream, Uri target, Uri proxy, CancellationToken cancellationToken)
    {
        var authority = $"{target.IdnHost}:{target.Port}";
        var request = new StringBuilder($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
        if (!string.IsNullOrEmpty(proxy.UserInfo))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(proxy.UserInfo)));
            request.Append($"Proxy-Authorization: Basic {credentials}\r\n");
        }

        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);

        // Byte by byte up to the blank line, so nothing of what follows the proxy's answer is read ahead.
        var head = new ArrayBufferWriter<byte>(256);
        var one = new byte[1];
        while (!head.WrittenSpan.EndsWith("\r\n\r\n"u8))
        {
            if (head.WrittenCount > HttpParser.DefaultMaxHeadSize || await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new ConnectFailedException($"proxy {proxy.Authority} closed the connection or sent an oversized answer to CONNECT");
            }

            head.Write(one);
        }

        var bytes = new ReadOnlySequence<byte>(head.WrittenMemory);
        if (HttpParser.TryParseResponse(ref bytes, out var response, out var error) != HttpParseStatus.Complete)
        {
            throw new ConnectFailedException($"proxy {proxy.Authority} sent an invalid answer to CONNECT: {error}");
        }

        if (response!.StatusCode is < 200 or > 299)
        {
            throw new ConnectFailedException($"proxy {proxy.Authority} refused CONNECT {authority}: HTTP {response.StatusCode} {response.ReasonPhrase}");
        }
    }

    private static async Task<Stream> AuthenticateAsync(Stream stream, string host, ClientOptions options, CancellationToken cancellationToken)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, options),
        };
        try
        {
            await tls.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new ConnectFailedException($"TLS handshake with {host} failed: {e.Message}", e);
        }
    }

    private static bool IsTrusted(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, ClientOptions options)
    {
        if (options.DangerousAcceptAnyServerCertificate)
        {
            return true;
        }

        if (options.TrustedCertificates is not { Count: > 0 } trusted)
        {
            return errors == SslPolicyErrors.None;
        }

        // With private roots, the name must still match; only the chain is judged against them instead.
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(trusted);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

#if NET9_0_OR_GREATER
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
#else
        using var leaf = new X509Certificate2(certificate.GetRawCertData());
#endif
        return custom.Build(leaf);
    }

    private static async Task<HandshakeResponse> ReadResponseAsync(PipeReader input, bool secure, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = HttpParser.TryParseResponse(ref buffer, out var response, out var error);
            switch (status)
            {
                case HttpParseStatus.Complete:
                    input.AdvanceTo(buffer.Start);
                    if (response!.StatusCode != 101)
                    {
                        throw new InvalidStatusException(response.StatusCode, await ReadBodyFirstLineAsync(input, response, cancellationToken).ConfigureAwait(false));
                    }

                    return response;
                case HttpParseStatus.Invalid:
                case HttpParseStatus.TooLarge:
                    throw new InvalidHandshakeException($"invalid HTTP response: {error}");
            }

            if (result.IsCompleted)
            {
                throw new ConnectFailedException(buffer.IsEmpty
                    ? "the server closed the connection without answering the handshake" + (secure ? "" : " (if it serves TLS, use a wss:// address)")
                    : "the server closed the connection in the middle of its handshake response");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    // The refusal's body usually says why ("invalid token"); its first line goes into the exception's message.
    private static async Task<string> ReadBodyFirstLineAsync(PipeReader input, HandshakeResponse response, CancellationToken cancellationToken)
    {
        byte[] body = [];
        try
        {
            // Decode before the first read too: an empty body (Content-Length: 0) must not wait for bytes that
            // a keep-alive server will never send.
            var received = ReadOnlySequence<byte>.Empty;
            var read = false;
            while (!RefusalBody.TryDecode(received, response, out body) && received.Length < RefusalBody.MaxEncoded)
            {
                if (read)
                {
                    input.AdvanceTo(received.Start, received.End);
                }

                var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
                received = result.Buffer;
                read = true;
                if (result.IsCompleted)
                {
                    RefusalBody.TryDecode(received, response, out body);
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // What came before the failure is still worth showing.
        }

        var text = Encoding.UTF8.GetString(body);
        var newline = text.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? text : text[..newline]).Trim();
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Warning, "Connecting to {Uri} failed: {Reason}; retrying in {DelaySeconds:0.0} s", EventName = "ReconnectScheduled")]
        public static partial void Retrying(ILogger logger, Uri uri, string reason, double delaySeconds);
    }
}
