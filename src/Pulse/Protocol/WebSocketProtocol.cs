using System.Buffers;

namespace Pulse.Protocol;

/// <summary>
/// The sans-I/O WebSocket protocol (RFC 6455 §5–§8) for one connection after the opening handshake:
/// bytes in, events and bytes out. No sockets, no clock, no threads.
/// </summary>
/// <remarks>
/// <para>
/// Receiving: call <see cref="Receive"/> in a loop on the bytes read so far; each call consumes what it parsed
/// from <c>input</c> and returns one <see cref="ProtocolEvent"/>, or <see cref="ProtocolEventKind.None"/> when it
/// needs more bytes. Payloads are streamed in chunks as they arrive, so a large frame never has to sit whole in
/// the input. Masked payloads are unmasked in place in the caller's input. Automatic answers (a pong to a ping,
/// the closing handshake's reply, the close frame that fails the connection) are written to <c>replies</c>.
/// </para>
/// <para>
/// Sending: the <c>Write*</c> methods frame a message or control frame into an <see cref="IBufferWriter{T}"/>,
/// masking it when <see cref="Role"/> is <see cref="Role.Client"/>.
/// </para>
/// <para>
/// With permessage-deflate (RFC 7692), compressed messages are decompressed as they arrive, in chunks of at most
/// 16 KiB held by the protocol: a <see cref="ProtocolEventKind.Data"/> payload is then valid until the next call.
/// </para>
/// <para>Not thread-safe: the caller serializes every call.</para>
/// </remarks>
public sealed partial class WebSocketProtocol : IDisposable
{
    private readonly PerMessageDeflate? _deflate;

    /// <summary>Creates the protocol for one end of an open connection.</summary>
    /// <param name="role">Which end this is; it decides masking.</param>
    /// <param name="maxMessageSize">The largest message accepted, in bytes, summed over fragments; a larger one fails the connection with 1009.</param>
    public WebSocketProtocol(Role role, int maxMessageSize = 1024 * 1024)
        : this(role, maxMessageSize, compression: null)
    {
    }

    /// <summary>Creates the protocol for one end of an open connection that negotiated permessage-deflate (RFC 7692), or not.</summary>
    /// <param name="role">Which end this is; it decides masking, and which negotiated parameters apply to which direction.</param>
    /// <param name="maxMessageSize">The largest message accepted, in bytes, once decompressed; a larger one fails the connection with 1009.</param>
    /// <param name="compression">What the handshake agreed, or null when no extension was negotiated (RSV1 is then a protocol error).</param>
    /// <param name="compressionOptions">The compressor's memory level and the smallest message worth compressing; the defaults when null.</param>
    public WebSocketProtocol(Role role, int maxMessageSize, PerMessageDeflateParameters? compression, CompressionOptions? compressionOptions = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageSize);
        Role = role;
        MaxMessageSize = maxMessageSize;
        if (compression is not null)
        {
            compressionOptions ??= new CompressionOptions();
            _deflate = new PerMessageDeflate(role, compression, compressionOptions.MemoryLevel, compressionOptions.MinimumSize);
        }
    }

    /// <summary>Which end of the connection this is.</summary>
    public Role Role { get; }

    /// <summary>The largest message accepted, in bytes (decompressed, when compressed).</summary>
    public int MaxMessageSize { get; }

    /// <summary>The permessage-deflate parameters in use, or null when the connection is not compressed.</summary>
    public PerMessageDeflateParameters? Compression => _deflate?.Parameters;

    /// <summary>The codec behind <see cref="Compression"/>, for tests of its memory rules.</summary>
    internal PerMessageDeflate? Deflate => _deflate;

    /// <summary>How many bytes the current (or last) compressed message inflated to so far.</summary>
    internal long InflatedLength => _inflatedLength;

    /// <summary>The state of the closing handshake.</summary>
    public ProtocolState State { get; private set; }

    /// <summary>The close frame received from the peer, if any.</summary>
    public CloseFrame? CloseReceived { get; private set; }

    /// <summary>The close frame sent to the peer, if any.</summary>
    public CloseFrame? CloseSent { get; private set; }

    /// <summary>
    /// When both close frames were exchanged: true if the peer's came first. Null until both were.
    /// </summary>
    public bool? ReceivedThenSent { get; private set; }

    /// <summary>
    /// Parses the next event from <paramref name="input"/>, advancing it past what was consumed.
    /// </summary>
    /// <param name="input">Bytes received and not yet consumed; masked payload bytes are unmasked in place.</param>
    /// <param name="replies">Where automatic answers (pong, close) are written.</param>
    /// <returns>The event; <see cref="ProtocolEventKind.None"/> when more input is needed.</returns>
    /// <remarks>After a <see cref="ProtocolEventKind.Close"/> or <see cref="ProtocolEventKind.Error"/>, every later input is consumed and ignored.</remarks>
    public ProtocolEvent Receive(ref ReadOnlySequence<byte> input, IBufferWriter<byte> replies) =>
        ReceiveCore(ref input, replies);

    /// <summary>Writes a whole message as one frame.</summary>
    /// <exception cref="InvalidOperationException">A close frame was already sent.</exception>
    public void WriteMessage(IBufferWriter<byte> output, MessageType type, ReadOnlySpan<byte> payload) =>
        WriteMessageCore(output, type, payload);

    /// <summary>Writes a whole text message as one frame, encoding <paramref name="text"/> as UTF-8.</summary>
    /// <exception cref="InvalidOperationException">A close frame was already sent.</exception>
    public void WriteText(IBufferWriter<byte> output, ReadOnlySpan<char> text) =>
        WriteTextCore(output, text);

    /// <summary>Writes a ping frame.</summary>
    /// <exception cref="ArgumentException">The payload is longer than 125 bytes.</exception>
    public void WritePing(IBufferWriter<byte> output, ReadOnlySpan<byte> payload) =>
        WriteControlCore(output, Opcode.Ping, payload);

    /// <summary>Writes a pong frame.</summary>
    /// <exception cref="ArgumentException">The payload is longer than 125 bytes.</exception>
    public void WritePong(IBufferWriter<byte> output, ReadOnlySpan<byte> payload) =>
        WriteControlCore(output, Opcode.Pong, payload);

    /// <summary>
    /// Starts (or, after the peer's close, completes) the closing handshake by writing a close frame.
    /// Does nothing if a close frame was already sent.
    /// </summary>
    /// <param name="output">Where the frame is written.</param>
    /// <param name="code">The status code; <see cref="CloseCode.NoStatusReceived"/> sends a close frame with no body.</param>
    /// <param name="reason">The reason; truncated to fit 123 UTF-8 bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">The code may not be sent on the wire.</exception>
    public void WriteClose(IBufferWriter<byte> output, CloseCode code, string reason = "") =>
        WriteCloseCore(output, code, reason);

    /// <summary>
    /// Frees the zlib streams of permessage-deflate, if any; call it once the connection is closed. Nothing else
    /// needs releasing, and the protocol must not be used afterwards.
    /// </summary>
    public void Dispose()
    {
        _deflate?.Dispose();
        ReleaseInflateChunk();
    }

    /// <summary>Records that the transport ended (TCP closed or reset); the state becomes <see cref="ProtocolState.Closed"/>.</summary>
    public void ReceiveEndOfStream()
    {
        State = ProtocolState.Closed;
        _inputEnded = true;
    }
}
