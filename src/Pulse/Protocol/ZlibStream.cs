using System.Runtime.InteropServices;

namespace Pulse.Protocol;

/// <summary>
/// One zlib deflate or inflate stream for raw DEFLATE (RFC 1951), its <c>z_stream</c> in native memory that
/// this handle always frees: on <see cref="SafeHandle.Dispose()"/>, or by the finalizer when a connection is
/// dropped without closing.
/// </summary>
/// <remarks>
/// <para>
/// The <c>z_stream</c> lives in native memory because zlib keeps a pointer back to it in its internal state and
/// refuses a stream that moved (deflateStateCheck, inflateStateCheck); the GC may move managed memory.
/// </para>
/// <para>
/// Unsafe code is confined to this type, for one reason: zlib reads its input and writes its output through
/// pointers in the <c>z_stream</c>, so a span must be pinned (<c>fixed</c>) for the length of one call. The
/// pointers are cleared before returning, as zlib copies what it keeps into its own window.
/// </para>
/// <para>Not thread-safe: the owner serializes every call, and disposes only when no call runs.</para>
/// </remarks>
internal sealed unsafe class ZlibStream : SafeHandle
{
    private static readonly nint s_version = ZlibNative.Version();

    private readonly bool _deflate;

    private ZlibStream(bool deflate)
        : base(0, ownsHandle: true)
    {
        _deflate = deflate;
        SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(ZlibNative.ZStream)));
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>Whether this is a deflate (compressing) stream.</summary>
    public bool IsDeflate => _deflate;

    private ZlibNative.ZStream* Stream => (ZlibNative.ZStream*)handle;

    /// <summary>A raw deflate stream with a window of 2^<paramref name="windowBits"/> bytes (9–15).</summary>
    /// <exception cref="InsufficientMemoryException">zlib could not allocate its state.</exception>
    public static ZlibStream CreateDeflater(int windowBits, int memLevel, int level = ZlibNative.DefaultCompression)
    {
        var stream = new ZlibStream(deflate: true);

        // A negative window size asks zlib for raw DEFLATE, with no zlib header or trailer (RFC 7692 §7.2.1).
        var code = ZlibNative.DeflateInit2(stream.handle, level, ZlibNative.Deflated, -windowBits, memLevel, ZlibNative.DefaultStrategy, s_version, sizeof(ZlibNative.ZStream));
        return stream.Initialized(code, "deflateInit2");
    }

    /// <summary>A raw inflate stream with a window of 2^<paramref name="windowBits"/> bytes (8–15).</summary>
    /// <exception cref="InsufficientMemoryException">zlib could not allocate its state.</exception>
    public static ZlibStream CreateInflater(int windowBits)
    {
        var stream = new ZlibStream(deflate: false);
        var code = ZlibNative.InflateInit2(stream.handle, -windowBits, s_version, sizeof(ZlibNative.ZStream));
        return stream.Initialized(code, "inflateInit2");
    }

    /// <summary>
    /// Runs deflate or inflate once on <paramref name="input"/> into <paramref name="output"/> (which must not be
    /// empty); returns zlib's code and how much was consumed and written.
    /// </summary>
    public int Run(ReadOnlySpan<byte> input, Span<byte> output, int flush, out int consumed, out int written)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        var stream = Stream;
        int code;
        fixed (byte* inputPointer = input)
        fixed (byte* outputPointer = output)
        {
            stream->NextIn = (nint)inputPointer;
            stream->AvailIn = (uint)input.Length;
            stream->NextOut = (nint)outputPointer;
            stream->AvailOut = (uint)output.Length;
            code = _deflate ? ZlibNative.Deflate(handle, flush) : ZlibNative.Inflate(handle, flush);
            consumed = input.Length - (int)stream->AvailIn;
            written = output.Length - (int)stream->AvailOut;
            stream->NextIn = 0;
            stream->AvailIn = 0;
            stream->NextOut = 0;
            stream->AvailOut = 0;
        }

        return code;
    }

    /// <summary>Forgets the stream's history (the LZ77 window) but keeps its memory, for the next message.</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        var code = _deflate ? ZlibNative.DeflateReset(handle) : ZlibNative.InflateReset(handle);
        if (code != ZlibNative.Ok)
        {
            throw new InvalidOperationException($"zlib {(_deflate ? "deflateReset" : "inflateReset")} failed with {code}.");
        }
    }

    /// <summary>zlib's message for the last error, if it set one.</summary>
    public string? LastError => IsClosed || Stream->Msg == 0 ? null : Marshal.PtrToStringAnsi(Stream->Msg);

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        // deflateEnd/inflateEnd free zlib's state (a no-op if init failed and left none); then the z_stream itself.
        if (Stream->State != 0)
        {
            _ = _deflate ? ZlibNative.DeflateEnd(handle) : ZlibNative.InflateEnd(handle);
        }

        NativeMemory.Free((void*)handle);
        return true;
    }

    private ZlibStream Initialized(int code, string function)
    {
        if (code == ZlibNative.Ok)
        {
            return this;
        }

        Dispose();
        throw code == ZlibNative.MemError
            ? new InsufficientMemoryException($"zlib {function} could not allocate its state.")
            : new InvalidOperationException($"zlib {function} failed with {code}.");
    }
}
