using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using Pulse.Redis.Resp;

namespace Pulse.Redis.Client;

/// <summary>
/// One open, authenticated connection to a Redis server: a socket (and TLS), a pipe reading RESP values, and a
/// write method. Knows nothing of what the values mean; <see cref="RedisConnection"/> and
/// <see cref="RedisSubscriber"/> build on it.
/// </summary>
internal sealed class RedisLink : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly RespReader _parser = new();

    private RedisLink(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
    }

    /// <summary>Connects, upgrades to TLS when asked, authenticates, selects the database and names the client.</summary>
    /// <exception cref="RedisConnectionException">The server cannot be reached or refused the handshake.</exception>
    public static async Task<RedisLink> ConnectAsync(RedisOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RedisLink? link = null;
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (options.Tls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                var authentication = options.TlsOptions ?? new SslClientAuthenticationOptions();
                authentication.TargetHost ??= options.Host;
                await tls.AuthenticateAsClientAsync(authentication, timeout.Token).ConfigureAwait(false);
                stream = tls;
            }

            link = new RedisLink(socket, stream);
            await link.HandshakeAsync(options, timeout.Token).ConfigureAwait(false);
            return link;
        }
        catch (Exception e) when (e is not RedisConnectionException)
        {
            if (link is not null)
            {
                await link.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            var reason = e switch
            {
                OperationCanceledException when !cancellationToken.IsCancellationRequested => $"no connection within {options.ConnectTimeout.TotalSeconds:0.###} s",
                RedisErrorException error => error.Reply,
                _ => e.Message,
            };
            throw new RedisConnectionException($"cannot connect to Redis at {options.Address}: {reason}", e);
        }
        catch
        {
            if (link is not null)
            {
                await link.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Writes bytes (one or more whole commands) and flushes. Callers serialize their writes.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next value from the server, or null when it closed the connection.</summary>
    /// <exception cref="RespProtocolException">The server sent something that is not RESP.</exception>
    public async ValueTask<RespValue?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (_parser.TryRead(buffer, out var value, out var consumed))
            {
                _reader.AdvanceTo(consumed);
                return value;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                if (!buffer.IsEmpty)
                {
                    throw new RespProtocolException("the connection closed in the middle of a reply");
                }

                return null;
            }
        }
    }

    /// <summary>Closes the connection; a pending read ends.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _reader.CancelPendingRead();
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    /// <summary>Encodes one command.</summary>
    public static byte[] Encode(ReadOnlySpan<RedisArg> command)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        RespWriter.WriteCommand(buffer, command);
        return buffer.WrittenSpan.ToArray();
    }

    private async Task HandshakeAsync(RedisOptions options, CancellationToken cancellationToken)
    {
        // Sent before any other command, one at a time: HELLO (RESP3) or AUTH, then SELECT and CLIENT SETNAME.
        if (options.Protocol == 3)
        {
            RedisArg[] hello = options.Password is null
                ? ["HELLO", 3]
                : ["HELLO", 3, "AUTH", options.User ?? "default", options.Password];
            await CallAsync(hello, cancellationToken).ConfigureAwait(false);
        }
        else if (options.Password is not null)
        {
            RedisArg[] auth = options.User is null ? ["AUTH", options.Password] : ["AUTH", options.User, options.Password];
            await CallAsync(auth, cancellationToken).ConfigureAwait(false);
        }

        if (options.Database != 0)
        {
            await CallAsync(["SELECT", options.Database], cancellationToken).ConfigureAwait(false);
        }

        if (options.ClientName is { } name)
        {
            await CallAsync(["CLIENT", "SETNAME", name], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CallAsync(RedisArg[] command, CancellationToken cancellationToken)
    {
        await WriteAsync(Encode(command), cancellationToken).ConfigureAwait(false);
        var reply = await ReadAsync(cancellationToken).ConfigureAwait(false) ?? throw new RedisConnectionException("the server closed the connection during the handshake");
        if (reply.IsError)
        {
            throw new RedisErrorException(command[0].ToString(), reply.AsString() ?? "");
        }
    }
}
