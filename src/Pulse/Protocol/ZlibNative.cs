using System.Runtime.InteropServices;

namespace Pulse.Protocol;

/// <summary>
/// The few entry points of the system zlib (<c>libz.so.1</c>) that permessage-deflate needs. .NET's
/// System.IO.Compression hides the window size and memory level, which RFC 7692 §7.1.2 negotiates, so the
/// library is called directly. Only blittable arguments cross: the stream is a pointer to a native
/// <see cref="ZStream"/>, strings are pointers.
/// </summary>
internal static partial class ZlibNative
{
    private const string Library = "libz.so.1";

    // Flush values and return codes from zlib.h.
    public const int NoFlush = 0;
    public const int SyncFlush = 2;
    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int NeedDict = 2;
    public const int StreamError = -2;
    public const int DataError = -3;
    public const int MemError = -4;
    public const int BufError = -5;
    public const int Deflated = 8;
    public const int DefaultStrategy = 0;
    public const int DefaultCompression = -1;

    [LibraryImport(Library, EntryPoint = "zlibVersion")]
    public static partial nint Version();

    [LibraryImport(Library, EntryPoint = "deflateInit2_")]
    public static partial int DeflateInit2(nint stream, int level, int method, int windowBits, int memLevel, int strategy, nint version, int streamSize);

    [LibraryImport(Library, EntryPoint = "deflate")]
    public static partial int Deflate(nint stream, int flush);

    [LibraryImport(Library, EntryPoint = "deflateReset")]
    public static partial int DeflateReset(nint stream);

    [LibraryImport(Library, EntryPoint = "deflateEnd")]
    public static partial int DeflateEnd(nint stream);

    [LibraryImport(Library, EntryPoint = "inflateInit2_")]
    public static partial int InflateInit2(nint stream, int windowBits, nint version, int streamSize);

    [LibraryImport(Library, EntryPoint = "inflate")]
    public static partial int Inflate(nint stream, int flush);

    [LibraryImport(Library, EntryPoint = "inflateReset")]
    public static partial int InflateReset(nint stream);

    [LibraryImport(Library, EntryPoint = "inflateEnd")]
    public static partial int InflateEnd(nint stream);

    /// <summary>
    /// zlib's <c>z_stream</c> as laid out on 64-bit Linux (LP64): pointers and <c>uLong</c> are 8 bytes,
    /// <c>uInt</c> and <c>int</c> 4, 112 bytes in all. <see cref="CULong"/> is C's <c>unsigned long</c>.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZStream
    {
        public nint NextIn;
        public uint AvailIn;
        public CULong TotalIn;
        public nint NextOut;
        public uint AvailOut;
        public CULong TotalOut;
        public nint Msg;
        public nint State;
        public nint ZAlloc;
        public nint ZFree;
        public nint Opaque;
        public int DataType;
        public CULong Adler;
        public CULong Reserved;
    }
}
