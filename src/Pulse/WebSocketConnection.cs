using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Pulse.Internal;
using Pulse.Protocol;

namespace Pulse;

/// <summary>
/// One open WebSocket connection, on either end: messages in as an async sequence, messages out with
/// <see cref="SendAsync(string, CancellationToken)"/>, and a closing handshake with <see cref="CloseAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// Concurrency: one receive (<see cref="ReceiveAsync"/> or an <c>await foreach</c>) at a time; any number of
/// <c>SendAsync</c>, <see cref="PingAsync"/> and <see cref="CloseAsync"/> calls from any threads, queued in order.
/// </para>
/// <para>
/// A background loop reads frames as they arrive, answers pings, and queues up to
/// <see cref="ConnectionOptions.MaxQueue"/> messages; when the queue is full it stops reading, so TCP pushes
/// back on the peer. One writer per connection drains the outgoing buffer and flushes once for everything
/// queued meanwhile.
/// </para>
/// </remarks>
public sealed partial class WebSocketConnection : IAsyncEnumerable<Message>, IAsyncDisposable
{
    private static long s_nextId;

    private readonly Lock _lock = new();
    private readonly IDuplexPipe _transport;
    private readonly Action _abortTransport;
    private readonly WebSocketProtocol _protocol;
    private readonly ConnectionOptions _options;
    private readonly MessageQueue _incoming;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly long _number;
    private ConnectionClosedException? _closedException;
    private string? _id;

    internal WebSocketConnection(
        IDuplexPipe transport,
        Action abortTransport,
        Role role,
        ConnectionOptions options,
        HandshakeRequest request,
        HandshakeResponse response,
        EndPoint? remoteEndPoint,
        string? subprotocol,
        PerMessageDeflateParameters? compression = null)
    {
        _transport = transport;
        _abortTransport = abortTransport;
        _options = options;
        _protocol = new WebSocketProtocol(role, options.MaxMessageSize, compression, options.Compression);
        _incoming = new MessageQueue(options.MaxQueue);
        _logger = options.ConnectionLogger;
        _number = Interlocked.Increment(ref s_nextId);
        Request = request;
        Response = response;
        RemoteEndPoint = remoteEndPoint;
        Subprotocol = subprotocol;
    }

    /// <summary>An identifier unique within this process, for logs.</summary>
    // Formatted on first use: with logging off, most connections never need it.
    public string Id => _id ??= FormatId(_number);

    /// <summary>Which end of the connection this object speaks for.</summary>
    public Role Role => _protocol.Role;

    /// <summary>The peer's address, when known.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The opening handshake's request: path, query and headers.</summary>
    public HandshakeRequest Request { get; }

    /// <summary>The opening handshake's response.</summary>
    public HandshakeResponse Response { get; }

    /// <summary>The request path, such as <c>/echo</c>.</summary>
    public string Path => Request.Path;

    /// <summary>The request headers.</summary>
    public HeaderFields RequestHeaders => Request.Headers;

    /// <summary>The negotiated subprotocol, or null.</summary>
    public string? Subprotocol { get; }

    /// <summary>The permessage-deflate parameters negotiated (RFC 7692), or null when messages are not compressed.</summary>
    public PerMessageDeflateParameters? Compression => _protocol.Compression;

    /// <summary>The state of the closing handshake.</summary>
    public ProtocolState State
    {
        get
        {
            lock (_lock)
            {
                return _protocol.State;
            }
        }
    }

    /// <summary>The close frame received, once one was.</summary>
    public CloseFrame? CloseReceived
    {
        get
        {
            lock (_lock)
            {
                return _protocol.CloseReceived;
            }
        }
    }

    /// <summary>The close frame sent, once one was.</summary>
    public CloseFrame? CloseSent
    {
        get
        {
            lock (_lock)
            {
                return _protocol.CloseSent;
            }
        }
    }

    /// <summary>
    /// Why the connection closed: the received close frame, else the sent one; null while it is open.
    /// <see cref="CloseCode.AbnormalClosure"/> when it ended without a close frame.
    /// </summary>
    public CloseFrame? CloseStatus =>
        _closedException is { } e ? e.Received ?? e.Sent ?? new CloseFrame(CloseCode.AbnormalClosure, "") : null;

    /// <summary>Completes when the connection is closed, the TCP connection included. Never faults.</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Receives the next message.
    /// </summary>
    /// <exception cref="ConnectionClosedOkException">The connection closed normally and every message was read.</exception>
    /// <exception cref="ConnectionClosedErrorException">The connection closed with an error and every message was read.</exception>
    // Pooled: a handler that keeps up with its peer waits here once per message, and without pooling each wait
    // allocates a new state machine box (most of what an echo allocated per message).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Message> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var reader = _incoming;
        while (true)
        {
            if (reader.TryRead(out var message))
            {
                return message;
            }

            if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw _closedException ?? ClosedExceptionFromState();
            }
        }
    }

    /// <summary>
    /// Iterates over incoming messages. Ends quietly when the connection closes normally; throws
    /// <see cref="ConnectionClosedErrorException"/> when it closes with an error.
    /// </summary>
    public async IAsyncEnumerator<Message> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        // Reads the queue itself rather than through ReceiveAsync: a normal close ends the loop without throwing
        // (and rethrowing) ConnectionClosedOkException, which cost two exceptions with stack traces per connection.
        var reader = _incoming;
        while (true)
        {
            while (reader.TryRead(out var message))
            {
                yield return message;
            }

            if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var closed = _closedException ?? ClosedExceptionFromState();
                if (closed is ConnectionClosedOkException)
                {
                    yield break;
                }

                throw closed;
            }
        }
    }

    /// <summary>
    /// Configures how awaits in an <c>await foreach</c> over the messages resume (<c>ConfigureAwait(false)</c> in
    /// library code). Declared here because the connection is both an async sequence and async-disposable, for
    /// which the two framework extensions would be ambiguous.
    /// </summary>
    public ConfiguredCancelableAsyncEnumerable<Message> ConfigureAwait(bool continueOnCapturedContext) =>
        TaskAsyncEnumerableExtensions.ConfigureAwait<Message>(this, continueOnCapturedContext);

    /// <summary>Closes the connection normally (1000) if it is open, and waits until it is closed.</summary>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public override string ToString() => $"{Role} connection {Id} {Path} from {RemoteEndPoint}";

    // Sortable, short and unique within the process: a process-random prefix would add nothing for logs.
    private static string FormatId(long n) => string.Create(null, stackalloc char[16], $"{Environment.ProcessId:x}-{n:x}");

    private ConnectionClosedException ClosedExceptionFromState()
    {
        lock (_lock)
        {
            return ConnectionClosedException.Create(_protocol.CloseReceived, _protocol.CloseSent, _protocol.ReceivedThenSent);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsOpenLocked() => _protocol.State == ProtocolState.Open;
}
