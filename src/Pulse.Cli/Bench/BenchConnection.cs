using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Pulse.Protocol;

namespace Pulse.Cli.Bench;

/// <summary>
/// One load-generator connection: a bare socket bound to a chosen source address, opened with the library's
/// client handshake, then left to a scenario's loop to drive with pre-built frames.
/// </summary>
/// <remarks>One receive loop and one sender at a time may use <see cref="Socket"/>; the scenario arranges that.</remarks>
internal sealed class BenchConnection : IDisposable
{
    // Linux's IP_BIND_ADDRESS_NO_PORT (linux/in.h): bind() keeps the address but leaves the port to connect(),
    // which may then reuse a port towards a different destination. Without it, bind-before-connect takes a
    // port for good at bind time and one source address runs out after its ~28,000 ephemeral ports.
    private const int IpBindAddressNoPort = 24;

    private static readonly TimeSpan s_openTimeout = TimeSpan.FromSeconds(10);

    private BenchConnection(Socket socket, byte[] receiveBuffer, int buffered, string? extensions, PerMessageDeflateParameters? compression)
    {
        Socket = socket;
        ReceiveBuffer = receiveBuffer;
        Buffered = buffered;
        Extensions = extensions;
        Compression = compression;
    }

    public Socket Socket { get; }

    /// <summary>The buffer the receive loop reads into.</summary>
    public byte[] ReceiveBuffer { get; }

    /// <summary>Bytes the server sent right after its handshake response, at the start of <see cref="ReceiveBuffer"/>.</summary>
    public int Buffered { get; }

    /// <summary>The server's <c>Sec-WebSocket-Extensions</c>, or null when it accepted none.</summary>
    public string? Extensions { get; }

    /// <summary>The permessage-deflate parameters agreed, or null when the connection is not compressed.</summary>
    public PerMessageDeflateParameters? Compression { get; }

    /// <summary>
    /// Opens a connection from <paramref name="source"/> and completes the opening handshake, offering
    /// <paramref name="subprotocols"/> (the hub's <c>pulse.v1.json</c>) unless null, and <paramref name="deflate"/>
    /// unless null.
    /// </summary>
    /// <exception cref="IOException">The connection or the handshake failed; the message says why in one line.</exception>
    public static async Task<BenchConnection> OpenAsync(Uri url, IPEndPoint server, IPAddress source, int receiveBufferSize, IReadOnlyList<string>? subprotocols, DeflateOffer? deflate, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_openTimeout);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpBindAddressNoPort, BitConverter.GetBytes(1));
            }

            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(server, timeout.Token).ConfigureAwait(false);
            var buffer = new byte[Math.Max(receiveBufferSize, HttpParser.DefaultMaxHeadSize)];
            var (buffered, extensions) = await HandshakeAsync(socket, url, subprotocols, deflate, buffer, timeout.Token).ConfigureAwait(false);
            return new BenchConnection(socket, buffer, buffered, extensions, deflate?.Accept(extensions));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"cannot connect from {source} to {server}: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new IOException($"no connection and handshake within {s_openTimeout.TotalSeconds} s", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Closes the socket at once (no closing handshake).</summary>
    public void Dispose() => Socket.Dispose();

    // Returns how many bytes after the response head are already in the buffer (the first frames, if any), and the
    // server's Sec-WebSocket-Extensions.
    private static async Task<(int Buffered, string? Extensions)> HandshakeAsync(Socket socket, Uri url, IReadOnlyList<string>? subprotocols, DeflateOffer? deflate, byte[] buffer, CancellationToken cancellationToken)
    {
        var handshake = new ClientHandshake(url, subprotocols);
        if (deflate is not null)
        {
            handshake.Request.Headers.Add("Sec-WebSocket-Extensions", deflate.Header);
        }

        var request = new ArrayBufferWriter<byte>(256);
        HttpParser.WriteRequest(request, handshake.Request);
        await socket.SendAsync(request.WrittenMemory, SocketFlags.None, cancellationToken).ConfigureAwait(false);

        var filled = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the server closed the connection during the handshake");
            }

            filled += read;
            var input = new ReadOnlySequence<byte>(buffer, 0, filled);
            switch (HttpParser.TryParseResponse(ref input, out var response, out var error))
            {
                case HttpParseStatus.Invalid or HttpParseStatus.TooLarge:
                    throw new IOException($"invalid handshake response: {error}");
                case HttpParseStatus.Complete:
                    // The offer was written here, not by the handshake: DeflateOffer checks the answer to it.
                    var extensions = response!.Headers["Sec-WebSocket-Extensions"];
                    var result = handshake.Validate(deflate is null ? response : WithoutExtensions(response));
                    if (!result.Accepted)
                    {
                        throw new IOException(result.Error);
                    }

                    var rest = (int)input.Length;
                    buffer.AsSpan(filled - rest, rest).CopyTo(buffer);
                    return (rest, extensions);
                default:
                    if (filled == buffer.Length)
                    {
                        throw new IOException("the handshake response is larger than the buffer");
                    }

                    break;
            }
        }
    }

    private static HandshakeResponse WithoutExtensions(HandshakeResponse response)
    {
        var headers = new HeaderFields();
        foreach (var (name, value) in response.Headers)
        {
            if (!string.Equals(name, "Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(name, value);
            }
        }

        return new HandshakeResponse(response.StatusCode, response.ReasonPhrase, headers, response.Body);
    }
}
