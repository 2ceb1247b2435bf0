using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using Pulse.Protocol;

namespace Pulse.Cli.Bench;

/// <summary>
/// One connection's receive loop: reads what the server sends, hands each message's first bytes to the
/// scenario, answers pings, and ends with a closing handshake once asked to stop. Subclasses decide what a
/// message means and who sends what.
/// </summary>
/// <remarks>
/// The loop is the only reader of its socket. Each read is parsed synchronously, then the scenario may send
/// (<see cref="AfterReadAsync"/>) before the next read: one allocation-free await per read, whatever the
/// number of messages in it.
/// </remarks>
internal abstract class ConnectionLoop
{
    private static readonly byte[] s_close = ClientFrames.NormalClosure();

    private readonly ServerFrameReader _reader;
    private volatile bool _stopping;
    private int _closeSent;
    private bool _closeReceived;
    private byte[]? _pong;

    protected ConnectionLoop(BenchConnection connection, int dataPrefixLength)
    {
        Connection = connection;
        _reader = new ServerFrameReader(dataPrefixLength, compressed: connection.Compression is not null);
    }

    public BenchConnection Connection { get; }

    /// <summary>Why the connection ended before it was asked to stop; null while it has not.</summary>
    public string? Failure { get; private set; }

    /// <summary>Whether <see cref="RequestStop"/> was called.</summary>
    protected bool Stopping => _stopping;

    /// <summary>Runs until the closing handshake completes, the server closes, or the socket is disposed.</summary>
    public async Task RunAsync()
    {
        var socket = Connection.Socket;
        var buffer = Connection.ReceiveBuffer;
        try
        {
            await StartAsync().ConfigureAwait(false);
            var read = Connection.Buffered;
            while (true)
            {
                if (read == 0)
                {
                    read = await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                    if (read == 0)
                    {
                        Fail("the server closed TCP without a close frame");
                        return;
                    }
                }

                Consume(buffer.AsSpan(0, read), Stopwatch.GetTimestamp());
                read = 0;
                if (_pong is { } pong)
                {
                    _pong = null;
                    await SendControlAsync(pong).ConfigureAwait(false);
                }

                if (_closeReceived)
                {
                    // RFC 6455 §5.5.1: answer the server's close, unless ours already went out.
                    Fail("the server closed the connection");
                    await SendCloseAsync().ConfigureAwait(false);
                    return;
                }

                if (_stopping)
                {
                    if (SendsOwnClose)
                    {
                        await SendCloseAsync().ConfigureAwait(false);
                    }

                    continue;
                }

                await AfterReadAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or InvalidDataException)
        {
            // InvalidDataException: the server broke the framing rules ServerFrameReader relies on.
            Fail(e.Message);
        }
    }

    /// <summary>Asks the loop to stop sending messages and to close.</summary>
    public void RequestStop() => _stopping = true;

    /// <summary>Sends this side's close frame (status 1000), once; later calls do nothing.</summary>
    public async ValueTask SendCloseAsync()
    {
        if (Interlocked.Exchange(ref _closeSent, 1) == 0)
        {
            await SendControlAsync(s_close).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the loop sends its close frame itself at its first read after <see cref="RequestStop"/>; when false,
    /// the scenario calls <see cref="SendCloseAsync"/> once its own sender is done.
    /// </summary>
    protected virtual bool SendsOwnClose => true;

    /// <summary>Runs once before the first read: an echo loop primes its messages in flight here.</summary>
    protected virtual ValueTask StartAsync() => default;

    /// <summary>A data message ended; <paramref name="prefix"/> holds the first bytes of its payload.</summary>
    protected abstract void OnMessage(ReadOnlySpan<byte> prefix, long receivedAt);

    /// <summary>Runs after each read's messages were handed over, unless stopping.</summary>
    protected virtual ValueTask AfterReadAsync() => default;

    /// <summary>Sends a pong or close frame, in whatever way keeps this connection's sends from overlapping.</summary>
    protected abstract ValueTask SendControlAsync(byte[] frame);

    private void Consume(ReadOnlySpan<byte> input, long receivedAt)
    {
        while (_reader.TryReadFrame(ref input))
        {
            if (_reader.IsEndOfMessage)
            {
                OnMessage(_reader.Prefix, receivedAt);
            }
            else if (_reader.Opcode == Opcode.Ping)
            {
                // RFC 6455 §5.5.2: answer with a pong carrying the ping's payload. Rare (the server's keepalive),
                // so building the frame here is fine.
                _pong = ClientFrames.Build(Opcode.Pong, _reader.Prefix);
            }
            else if (_reader.Opcode == Opcode.Close)
            {
                _closeReceived = true;
                if (!Stopping && _reader.Prefix.Length >= 2)
                {
                    Fail($"the server closed the connection with {BinaryPrimitives.ReadUInt16BigEndian(_reader.Prefix)}");
                }

                return;
            }
        }
    }

    private void Fail(string reason)
    {
        if (!_stopping)
        {
            Failure ??= reason;
        }
    }
}
