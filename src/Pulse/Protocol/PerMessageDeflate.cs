using System.Buffers;

namespace Pulse.Protocol;

/// <summary>
/// The compressor and decompressor of one connection's permessage-deflate (RFC 7692 §7.2), as negotiated:
/// raw DEFLATE through the system zlib, each direction with its window and its context takeover or not.
/// </summary>
/// <remarks>
/// <para>
/// Memory is taken when needed and given back as soon as it can be: a zlib stream is made on the first
/// compressed message in its direction; with no context takeover it goes back to a small shared pool
/// (<see cref="ZlibStreamPool"/>) after every message, so an idle connection holds no zlib state; with context
/// takeover it stays until <see cref="Dispose"/>.
/// </para>
/// <para>Not thread-safe: <see cref="WebSocketProtocol"/>'s caller serializes every call.</para>
/// </remarks>
internal sealed class PerMessageDeflate : IDisposable
{
    /// <summary>Decompressed bytes are produced in chunks of at most this many, so the size limit is checked as they come.</summary>
    public const int InflateChunkSize = 16 * 1024;

    private readonly bool _deflateResets;
    private readonly bool _inflateResets;
    private ZlibStream? _deflater;
    private ZlibStream? _inflater;
    private bool _disposed;

    /// <summary>Creates the codec for <paramref name="role"/>'s end of a connection that agreed <paramref name="parameters"/>.</summary>
    /// <param name="role">Which end this is: it compresses with its own parameters and decompresses with the peer's.</param>
    /// <param name="parameters">What the handshake agreed.</param>
    /// <param name="memoryLevel">zlib's memory level for the compressor (1–9).</param>
    /// <param name="minimumSize">Messages shorter than this are sent uncompressed.</param>
    public PerMessageDeflate(Role role, PerMessageDeflateParameters parameters, int memoryLevel, int minimumSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryLevel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(memoryLevel, 9);
        ArgumentOutOfRangeException.ThrowIfNegative(minimumSize);
        Parameters = parameters;
        MemoryLevel = memoryLevel;
        MinimumSize = minimumSize;
        var peer = role == Role.Server ? Role.Client : Role.Server;
        _deflateResets = parameters.NoContextTakeover(role);
        _inflateResets = parameters.NoContextTakeover(peer);
        DeflateWindowBits = DeflaterWindowBits(parameters.MaxWindowBits(role));

        // A window larger than the peer's is never wrong for decompressing, and zlib's raw inflate accepts 8..15;
        // 9 at least keeps a peer that compressed an agreed 8 as 9 (as zlib's deflate does) readable.
        InflateWindowBits = Math.Max(parameters.MaxWindowBits(peer), 9);
    }

    /// <summary>What the handshake agreed.</summary>
    public PerMessageDeflateParameters Parameters { get; }

    /// <summary>zlib's memory level for the compressor.</summary>
    public int MemoryLevel { get; }

    /// <summary>Messages shorter than this are sent uncompressed.</summary>
    public int MinimumSize { get; }

    /// <summary>The compressor's window in bits, as zlib is given it.</summary>
    public int DeflateWindowBits { get; }

    /// <summary>The decompressor's window in bits, as zlib is given it.</summary>
    public int InflateWindowBits { get; }

    /// <summary>Whether every outgoing message is compressed on its own, so one compressed frame can serve many recipients.</summary>
    public bool CompressesEachMessageAlone => _deflateResets;

    /// <summary>Whether this connection holds a zlib stream now (for tests of the memory rules).</summary>
    internal bool HoldsDeflater => _deflater is not null;

    /// <inheritdoc cref="HoldsDeflater"/>
    internal bool HoldsInflater => _inflater is not null;

    /// <summary>Whether a message of <paramref name="length"/> bytes is worth compressing.</summary>
    public bool ShouldCompress(int length) => length >= MinimumSize;

    /// <summary>
    /// zlib's deflate cannot use an 8-bit window for raw DEFLATE (deflateInit2 refuses it since zlib 1.2.9, and
    /// earlier versions silently used 9). 9 is safe where 8 was agreed: zlib's deflate never reaches further back
    /// than the window less 262 bytes (MAX_DIST), so a 512-byte window refers at most 250 bytes back, within the
    /// 256 bytes the peer keeps (RFC 7692 §7.1.2.1).
    /// </summary>
    public static int DeflaterWindowBits(int negotiated) => Math.Max(negotiated, 9);

    /// <summary>
    /// Compresses one whole message (RFC 7692 §7.2.1): DEFLATE blocks ending in a sync flush, with the final
    /// 0x00 0x00 0xFF 0xFF removed. The result is in a pooled array; the caller returns it with
    /// <see cref="ArrayPool{T}.Return"/>.
    /// </summary>
    public (byte[] Buffer, int Length) Compress(ReadOnlySpan<byte> payload)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var deflater = _deflater ?? (_deflateResets
            ? ZlibStreamPool.RentDeflater(DeflateWindowBits, MemoryLevel)
            : ZlibStream.CreateDeflater(DeflateWindowBits, MemoryLevel));
        _deflater = deflater;
        try
        {
            return Compress(deflater, payload);
        }
        finally
        {
            if (_deflateResets)
            {
                // RFC 7692 §7.2.3.1 with server/client_no_context_takeover: the next message starts with an empty window.
                _deflater = null;
                ZlibStreamPool.Return(deflater, DeflateWindowBits, MemoryLevel);
            }
        }
    }

    /// <summary>
    /// Compresses one message on its own with a fresh compressor, for a frame shared by every recipient that
    /// agreed no context takeover with the same window (a broadcast compressed once).
    /// </summary>
    public static byte[] CompressAlone(ReadOnlySpan<byte> payload, int windowBits, int memoryLevel)
    {
        var deflater = ZlibStreamPool.RentDeflater(windowBits, memoryLevel);
        try
        {
            var (buffer, length) = Compress(deflater, payload);
            var exact = buffer.AsSpan(0, length).ToArray();
            ArrayPool<byte>.Shared.Return(buffer);
            return exact;
        }
        finally
        {
            ZlibStreamPool.Return(deflater, windowBits, memoryLevel);
        }
    }

    /// <summary>Makes sure a decompressor is ready for the next compressed message.</summary>
    public ZlibStream BeginInflate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _inflater ??= _inflateResets
            ? ZlibStreamPool.RentInflater(InflateWindowBits)
            : ZlibStream.CreateInflater(InflateWindowBits);
    }

    /// <summary>
    /// Ends a compressed message. Without context takeover, or when the peer ended its DEFLATE stream with a
    /// final block (<paramref name="streamEnded"/>), the next message starts with an empty window.
    /// </summary>
    public void EndInflate(bool streamEnded)
    {
        if (_inflater is not { } inflater)
        {
            return;
        }

        if (_inflateResets)
        {
            _inflater = null;
            ZlibStreamPool.Return(inflater, InflateWindowBits, 0);
        }
        else if (streamEnded)
        {
            inflater.Reset();
        }
    }

    /// <summary>Frees the zlib streams (or gives pooled ones back). Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // A stream may be mid-message (the connection failed or closed): it is freed, never pooled half-used.
        _deflater?.Dispose();
        _deflater = null;
        _inflater?.Dispose();
        _inflater = null;
    }

    private static (byte[] Buffer, int Length) Compress(ZlibStream deflater, ReadOnlySpan<byte> payload)
    {
        // DEFLATE adds about 5 bytes per 16 KiB to data it cannot shrink, and the sync flush up to 10 more.
        var buffer = ArrayPool<byte>.Shared.Rent(payload.Length + (payload.Length >> 10) + 64);
        var length = 0;
        try
        {
            while (true)
            {
                var code = deflater.Run(payload, buffer.AsSpan(length), ZlibNative.SyncFlush, out var consumed, out var written);
                payload = payload[consumed..];
                length += written;
                if (code is not (ZlibNative.Ok or ZlibNative.BufError))
                {
                    throw new InvalidOperationException($"zlib deflate failed with {code}: {deflater.LastError}.");
                }

                // zlib's contract: the flush is complete once deflate leaves output space unused.
                if (payload.IsEmpty && (length < buffer.Length || code == ZlibNative.BufError))
                {
                    break;
                }

                if (length == buffer.Length)
                {
                    var grown = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        // RFC 7692 §7.2.1: "Remove 4 octets (that are 0x00 0x00 0xff 0xff) from the tail end."
        if (length >= 4 && buffer.AsSpan(length - 4, 4).SequenceEqual(Tail))
        {
            length -= 4;
        }

        // zlib does not flush twice in a row, so an empty message after another message produces nothing; an empty
        // stored block less its tail, 0x00 (§7.2.3.6), is what the receiver can append the tail to.
        if (length == 0)
        {
            buffer[0] = 0x00;
            length = 1;
        }

        return (buffer, length);
    }

    /// <summary>The end of a sync flush's empty stored block, stripped by the sender and appended by the receiver (RFC 7692 §7.2.1, §7.2.2).</summary>
    public static ReadOnlySpan<byte> Tail => [0x00, 0x00, 0xFF, 0xFF];
}
