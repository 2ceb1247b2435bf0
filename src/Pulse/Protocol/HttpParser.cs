using System.Buffers;

namespace Pulse.Protocol;

/// <summary>Parses and writes HTTP/1.1 message heads for the opening handshake (RFC 9112), within size limits.</summary>
public static class HttpParser
{
    /// <summary>The default largest head accepted, in bytes.</summary>
    public const int DefaultMaxHeadSize = 8192;

    /// <summary>The default largest number of header fields accepted.</summary>
    public const int DefaultMaxHeaderCount = 128;

    /// <summary>Parses a request head; on <see cref="HttpParseStatus.Complete"/>, advances <paramref name="input"/> past it.</summary>
    public static HttpParseStatus TryParseRequest(ref ReadOnlySequence<byte> input, out HandshakeRequest? request, out string? error, int maxHeadSize = DefaultMaxHeadSize, int maxHeaderCount = DefaultMaxHeaderCount) =>
        throw new NotImplementedException();

    /// <summary>Parses a response head (not its body); on <see cref="HttpParseStatus.Complete"/>, advances <paramref name="input"/> past it.</summary>
    public static HttpParseStatus TryParseResponse(ref ReadOnlySequence<byte> input, out HandshakeResponse? response, out string? error, int maxHeadSize = DefaultMaxHeadSize, int maxHeaderCount = DefaultMaxHeaderCount) =>
        throw new NotImplementedException();

    /// <summary>Writes a request head.</summary>
    public static void WriteRequest(IBufferWriter<byte> output, HandshakeRequest request) => throw new NotImplementedException();

    /// <summary>Writes a response: status line, headers (adding <c>Content-Length</c> when there is a body or the status is not 101), body.</summary>
    public static void WriteResponse(IBufferWriter<byte> output, HandshakeResponse response) => throw new NotImplementedException();
}
