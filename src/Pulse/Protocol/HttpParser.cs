using System.Buffers;
using System.Globalization;
using System.Text;

namespace Pulse.Protocol;

/// <summary>Parses and writes HTTP/1.1 message heads for the opening handshake (RFC 9112), within size limits.</summary>
/// <remarks>
/// Parsing is strict: every line must end with CRLF (RFC 9112 §2.2 lets a recipient accept a bare LF, but a
/// WebSocket client has no reason to send one), obsolete line folding and whitespace before a header's colon are
/// rejected, and header values are read as Latin-1. The parser reads the head only; bytes after the blank line
/// (a refusal's body, or the first WebSocket frames) stay in the input.
/// </remarks>
public static class HttpParser
{
    /// <summary>The default largest head accepted, in bytes.</summary>
    public const int DefaultMaxHeadSize = 8192;

    /// <summary>The default largest number of header fields accepted.</summary>
    public const int DefaultMaxHeaderCount = 128;

    /// <summary>Parses a request head; on <see cref="HttpParseStatus.Complete"/>, advances <paramref name="input"/> past it.</summary>
    public static HttpParseStatus TryParseRequest(ref ReadOnlySequence<byte> input, out HandshakeRequest? request, out string? error, int maxHeadSize = DefaultMaxHeadSize, int maxHeaderCount = DefaultMaxHeaderCount)
    {
        request = null;
        var status = ParseHead(input, isRequest: true, maxHeadSize, maxHeaderCount, out var head, out error);
        if (status == HttpParseStatus.Complete)
        {
            request = new HandshakeRequest(head.First, head.Second, head.Headers, head.Third);
            input = input.Slice(head.Length);
        }

        return status;
    }

    /// <summary>Parses a response head (not its body); on <see cref="HttpParseStatus.Complete"/>, advances <paramref name="input"/> past it.</summary>
    public static HttpParseStatus TryParseResponse(ref ReadOnlySequence<byte> input, out HandshakeResponse? response, out string? error, int maxHeadSize = DefaultMaxHeadSize, int maxHeaderCount = DefaultMaxHeaderCount)
    {
        response = null;
        var status = ParseHead(input, isRequest: false, maxHeadSize, maxHeaderCount, out var head, out error);
        if (status == HttpParseStatus.Complete)
        {
            response = new HandshakeResponse(int.Parse(head.Second, NumberStyles.None, CultureInfo.InvariantCulture), head.Third, head.Headers);
            input = input.Slice(head.Length);
        }

        return status;
    }

    /// <summary>Writes a request head.</summary>
    /// <exception cref="ArgumentException">The method, target, version or a header field could not be parsed back: it holds a character HTTP does not allow there, such as CR or LF.</exception>
    public static void WriteRequest(IBufferWriter<byte> output, HandshakeRequest request)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(request);
        if (!HttpSyntax.IsToken(request.Method))
        {
            throw new ArgumentException($"The method '{request.Method}' is not an HTTP token.", nameof(request));
        }

        if (request.Target.Length == 0 || request.Target.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            throw new ArgumentException($"The request target '{request.Target}' is empty or holds a space or control character.", nameof(request));
        }

        if (!IsSupportedVersion(request.Version))
        {
            throw new ArgumentException($"The version '{request.Version}' is not HTTP/1.0 or HTTP/1.1.", nameof(request));
        }

        Write(output, $"{request.Method} {request.Target} {request.Version}\r\n");
        WriteFields(output, request.Headers, nameof(request));
        Write(output, "\r\n");
    }

    /// <summary>Writes a response: status line, headers (adding <c>Content-Length</c> when there is a body or the status is not 101), body.</summary>
    /// <exception cref="ArgumentException">The status code is not three digits, a header field or the reason phrase holds a character HTTP does not allow there, or a <c>Content-Length</c> header disagrees with the body.</exception>
    public static void WriteResponse(IBufferWriter<byte> output, HandshakeResponse response)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode is < 100 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(response), response.StatusCode, "The status code must be between 100 and 599.");
        }

        if (!HttpSyntax.IsFieldValue(response.ReasonPhrase))
        {
            throw new ArgumentException($"The reason phrase '{response.ReasonPhrase}' holds a control character.", nameof(response));
        }

        var contentLength = response.Headers["Content-Length"];
        var bodyLength = response.Body.Length.ToString(CultureInfo.InvariantCulture);
        if (contentLength is not null && contentLength != bodyLength)
        {
            throw new ArgumentException($"The Content-Length header says {contentLength} but the body has {bodyLength} bytes.", nameof(response));
        }

        output.Write("HTTP/1.1 "u8);
        var code = output.GetSpan(3);
        code[0] = (byte)('0' + (response.StatusCode / 100));
        code[1] = (byte)('0' + (response.StatusCode / 10 % 10));
        code[2] = (byte)('0' + (response.StatusCode % 10));
        output.Advance(3);
        output.Write(" "u8);
        Write(output, response.ReasonPhrase);
        output.Write("\r\n"u8);
        WriteFields(output, response.Headers, nameof(response));

        // RFC 9110 §8.6: a server must not send Content-Length in a 1xx or 204 response, so an empty body there
        // goes without one; everywhere else the client needs it to find the end of the refusal's body.
        var mayOmitLength = response.StatusCode is < 200 or 204;
        if (contentLength is null && (!response.Body.IsEmpty || !mayOmitLength))
        {
            Write(output, $"Content-Length: {bodyLength}\r\n");
        }

        Write(output, "\r\n");
        output.Write(response.Body.Span);
    }

    private static void WriteFields(IBufferWriter<byte> output, HeaderFields headers, string paramName)
    {
        foreach (var (name, value) in headers)
        {
            if (!HttpSyntax.IsToken(name))
            {
                throw new ArgumentException($"The header name '{name}' is not an HTTP token.", paramName);
            }

            if (!HttpSyntax.IsFieldValue(value))
            {
                throw new ArgumentException($"The value of the {name} header holds a character outside Latin-1 or a control character such as CR or LF.", paramName);
            }

            // In pieces: a string per line would be garbage on every handshake.
            Write(output, name);
            output.Write(": "u8);
            Write(output, value);
            output.Write("\r\n"u8);
        }
    }

    private static void Write(IBufferWriter<byte> output, string text)
    {
        // Header text is Latin-1 (RFC 9110 §5.5); callers have checked that every char fits in a byte.
        var span = output.GetSpan(text.Length);
        var written = Encoding.Latin1.GetBytes(text, span);
        output.Advance(written);
    }

    private static HttpParseStatus ParseHead(ReadOnlySequence<byte> input, bool isRequest, int maxHeadSize, int maxHeaderCount, out ParsedHead head, out string? error)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeadSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxHeaderCount);

        // Only the first maxHeadSize bytes can hold an acceptable head, so that is all we ever look at (or copy).
        var window = input.Length > maxHeadSize ? input.Slice(0, maxHeadSize) : input;
        if (window.IsSingleSegment)
        {
            return ParseLines(window.FirstSpan, input.Length >= maxHeadSize, isRequest, maxHeadSize, maxHeaderCount, out head, out error);
        }

        var length = (int)window.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            window.CopyTo(rented);
            return ParseLines(rented.AsSpan(0, length), input.Length >= maxHeadSize, isRequest, maxHeadSize, maxHeaderCount, out head, out error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static HttpParseStatus ParseLines(ReadOnlySpan<byte> bytes, bool atSizeLimit, bool isRequest, int maxHeadSize, int maxHeaderCount, out ParsedHead head, out string? error)
    {
        head = default;
        string first = "", second = "", third = "";
        var headers = new HeaderFields();
        var lineStart = 0;
        var isStartLine = true;

        // Lines are checked as soon as they are complete, so a client that is not speaking HTTP is refused
        // without waiting for a blank line that may never come.
        while (bytes[lineStart..].IndexOf((byte)'\n') is var lf and >= 0)
        {
            var lineEnd = lineStart + lf;
            if (lf == 0 || bytes[lineEnd - 1] != '\r')
            {
                // RFC 9112 §2.2 allows accepting a bare LF; we require CRLF, as the handshake's peers all send it.
                error = "a line ends with LF alone; HTTP requires CRLF";
                return HttpParseStatus.Invalid;
            }

            var line = bytes[lineStart..(lineEnd - 1)];
            lineStart = lineEnd + 1;
            if (isStartLine)
            {
                error = isRequest ? ParseRequestLine(line, out first, out second, out third) : ParseStatusLine(line, out first, out second, out third);
                if (error is not null)
                {
                    return HttpParseStatus.Invalid;
                }

                isStartLine = false;
            }
            else if (line.IsEmpty)
            {
                head = new ParsedHead(first, second, third, headers, lineStart);
                error = null;
                return HttpParseStatus.Complete;
            }
            else if (headers.Count == maxHeaderCount)
            {
                error = $"the head has more than {maxHeaderCount} header fields";
                return HttpParseStatus.TooLarge;
            }
            else if ((error = ParseField(line, headers)) is not null)
            {
                return HttpParseStatus.Invalid;
            }
        }

        if (atSizeLimit)
        {
            error = $"the head is larger than {maxHeadSize} bytes";
            return HttpParseStatus.TooLarge;
        }

        error = null;
        return HttpParseStatus.Incomplete;
    }

    // RFC 9112 §3: request-line = method SP request-target SP HTTP-version
    private static string? ParseRequestLine(ReadOnlySpan<byte> line, out string method, out string target, out string version)
    {
        method = target = version = "";
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace == firstSpace)
        {
            return "malformed request line";
        }

        var methodBytes = line[..firstSpace];
        var targetBytes = line[(firstSpace + 1)..lastSpace];
        var versionBytes = line[(lastSpace + 1)..];
        if (!HttpSyntax.IsToken(methodBytes))
        {
            return "invalid method in the request line";
        }

        // RFC 9112 §3.2: the target is a URI form, which has no spaces, controls or non-ASCII bytes.
        if (targetBytes.IsEmpty || targetBytes.ContainsAnyExceptInRange((byte)'!', (byte)'~'))
        {
            return "invalid request target in the request line";
        }

        if (ParseVersion(versionBytes) is { } versionError)
        {
            return versionError;
        }

        method = methodBytes.SequenceEqual("GET"u8) ? "GET" : Encoding.ASCII.GetString(methodBytes);
        target = HeaderStrings.Target(targetBytes);
        version = versionBytes.SequenceEqual("HTTP/1.1"u8) ? "HTTP/1.1" : Encoding.ASCII.GetString(versionBytes);
        return null;
    }

    // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
    private static string? ParseStatusLine(ReadOnlySpan<byte> line, out string version, out string statusCode, out string reason)
    {
        version = statusCode = reason = "";
        var firstSpace = line.IndexOf((byte)' ');
        if (firstSpace < 0)
        {
            return "malformed status line";
        }

        if (ParseVersion(line[..firstSpace]) is { } versionError)
        {
            return versionError;
        }

        var rest = line[(firstSpace + 1)..];
        if (rest.Length < 4 || rest[3] != ' ')
        {
            return "malformed status line";
        }

        var code = rest[..3];
        if (code.ContainsAnyExceptInRange((byte)'0', (byte)'9') || code[0] is < (byte)'1' or > (byte)'5')
        {
            return "invalid status code in the status line";
        }

        var reasonBytes = rest[4..];
        foreach (var b in reasonBytes)
        {
            if (!HttpSyntax.IsFieldValueChar(b))
            {
                return "invalid character in the reason phrase";
            }
        }

        version = Encoding.ASCII.GetString(line[..firstSpace]);
        statusCode = Encoding.ASCII.GetString(code);
        reason = Encoding.Latin1.GetString(reasonBytes);
        return null;
    }

    // RFC 9112 §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive.
    private static string? ParseVersion(ReadOnlySpan<byte> version)
    {
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || !char.IsAsciiDigit((char)version[5]) || version[6] != '.' || !char.IsAsciiDigit((char)version[7]))
        {
            return "malformed HTTP version";
        }

        return version[5] == '1' && version[7] is (byte)'0' or (byte)'1' ? null : $"unsupported HTTP version {Encoding.ASCII.GetString(version)}";
    }

    internal static bool IsSupportedVersion(string version) =>
        version.Length == 8 && ParseVersion(Encoding.ASCII.GetBytes(version)) is null;

    // RFC 9112 §5: field-line = field-name ":" OWS field-value OWS
    private static string? ParseField(ReadOnlySpan<byte> line, HeaderFields headers)
    {
        if (line[0] is (byte)' ' or (byte)'\t')
        {
            // RFC 9112 §5.2: obs-fold; a server may reject it with 400, and we do, on both sides.
            return "obsolete line folding in the header fields";
        }

        var colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            return "a header field has no colon";
        }

        var name = line[..colon];
        if (name.IsEmpty)
        {
            return "a header field has an empty name";
        }

        if (name[^1] is (byte)' ' or (byte)'\t')
        {
            // RFC 9112 §5.1: whitespace between the name and the colon must be rejected with 400.
            return "whitespace before the colon in a header field";
        }

        if (!HttpSyntax.IsToken(name))
        {
            return "invalid character in a header field name";
        }

        var value = line[(colon + 1)..].Trim(" \t"u8);
        foreach (var b in value)
        {
            if (!HttpSyntax.IsFieldValueChar(b))
            {
                return $"invalid character in the value of the {Encoding.ASCII.GetString(name)} header";
            }
        }

        headers.Add(HeaderStrings.Name(name, out var known), HeaderStrings.Value(known, value));
        return null;
    }

    private readonly record struct ParsedHead(string First, string Second, string Third, HeaderFields Headers, int Length);
}
