using System.Buffers;
using System.Text;
using Pulse.Protocol;
using static Pulse.Tests.Handshake.Sequences;

namespace Pulse.Tests.Handshake;

/// <summary>RFC 9112 §2.1: "HTTP-message = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]", read strictly and within limits.</summary>
public class HttpParserTests
{
    private const string RequestHead =
        "GET /chat?room=1 HTTP/1.1\r\n" +
        "Host: server.example.com\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "\r\n";

    private const string ResponseHead =
        "HTTP/1.1 101 Switching Protocols\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
        "\r\n";

    // A masked text frame "Hello" (RFC 6455 §5.7): what a client may send right behind its request.
    private static readonly byte[] s_frame = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];

    [Fact]
    public void TryParseRequest_KeepsTheSpellingReceived_AndEachValueAsSent()
    {
        // Names and values come from shared strings when they repeat: the text must still be exactly what was sent.
        var heads = new[]
        {
            "GET /a HTTP/1.1\r\nHost: one.example\r\nUPGRADE: websocket\r\nconnection: Upgrade\r\nX-Custom: 1\r\n\r\n",
            "GET /b HTTP/1.1\r\nHost: two.example\r\nUpgrade: WebSocket\r\nconnection: upgrade\r\nX-Custom: 1\r\n\r\n",
            "GET /b HTTP/1.1\r\nHost: two.example\r\nUpgrade: WebSocket\r\nConnection: upgrade\r\nx-custom: 2\r\n\r\n",
        };

        foreach (var head in heads)
        {
            var input = new ReadOnlySequence<byte>(Latin1(head));

            Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out var request, out _));

            var expected = head.Split("\r\n").Skip(1).TakeWhile(line => line.Length > 0).Select(line => line.Split(": ")).Select(p => $"{p[0]}={p[1]}");
            Assert.Equal(expected, request!.Headers.Select(f => $"{f.Key}={f.Value}"));
            Assert.Equal(head[4..6], request.Target);
        }
    }

    [Fact]
    public void TryParseRequest_ValidHead_ParsesRequestLineAndFields()
    {
        var input = new ReadOnlySequence<byte>(Latin1(RequestHead));

        var status = HttpParser.TryParseRequest(ref input, out var request, out var error);

        Assert.Equal(HttpParseStatus.Complete, status);
        Assert.Null(error);
        Assert.True(input.IsEmpty);
        Assert.NotNull(request);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/chat?room=1", request.Target);
        Assert.Equal("/chat", request.Path);
        Assert.Equal("room=1", request.Query);
        Assert.Equal("HTTP/1.1", request.Version);
        Assert.Equal(5, request.Headers.Count);
        Assert.Equal("server.example.com", request.Headers["host"]);
        Assert.Equal("dGhlIHNhbXBsZSBub25jZQ==", request.Headers["Sec-WebSocket-Key"]);
    }

    [Fact]
    public void TryParseRequest_Http10_ParsesVersion()
    {
        var input = new ReadOnlySequence<byte>(Latin1("GET / HTTP/1.0\r\n\r\n"));

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out var request, out _));
        Assert.Equal("HTTP/1.0", request!.Version);
        Assert.Equal(0, request.Headers.Count);
    }

    [Fact]
    public void TryParseRequest_FieldValue_TrimsOptionalWhitespaceOnly()
    {
        var input = new ReadOnlySequence<byte>(Latin1("GET / HTTP/1.1\r\nX-A: \t a \t b \t\r\nX-B:c\r\nX-C:\r\n\r\n"));

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out var request, out _));
        Assert.Equal("a \t b", request!.Headers["X-A"]);
        Assert.Equal("c", request.Headers["X-B"]);
        Assert.Equal("", request.Headers["X-C"]);
    }

    [Fact]
    public void TryParseRequest_RepeatedFields_KeptInOrder()
    {
        var input = new ReadOnlySequence<byte>(Latin1("GET / HTTP/1.1\r\nConnection: keep-alive\r\nX: 1\r\nconnection: Upgrade\r\n\r\n"));

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out var request, out _));
        Assert.Equal(["keep-alive", "Upgrade"], request!.Headers.GetValues("Connection"));
        Assert.Equal("keep-alive, Upgrade", request.Headers["Connection"]);
    }

    [Fact]
    public void TryParseRequest_Latin1Value_DecodedAsLatin1()
    {
        byte[] head = [.. Latin1("GET / HTTP/1.1\r\nX-Name: Ren"), 0xE9, .. Latin1("\r\n\r\n")];
        var input = new ReadOnlySequence<byte>(head);

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out var request, out _));
        Assert.Equal("René", request!.Headers["X-Name"]);
    }

    [Fact]
    public void TryParseRequest_BytesAfterHead_LeftUnconsumed()
    {
        byte[] bytes = [.. Latin1(RequestHead), .. s_frame];
        var input = Split(bytes, RequestHead.Length - 3, RequestHead.Length + 2);

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out _, out _));
        Assert.Equal(s_frame, input.ToArray());
    }

    [Fact]
    public void TryParseRequest_HeadSplitAtEveryByte_ParsesTheSame()
    {
        byte[] bytes = [.. Latin1(RequestHead), .. s_frame];
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var input = Split(bytes, cut);

            Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out var request, out _));
            Assert.Equal("/chat?room=1", request!.Target);
            Assert.Equal(5, request.Headers.Count);
            Assert.Equal(s_frame, input.ToArray());
        }
    }

    [Fact]
    public void TryParseRequest_OneBytePerSegment_Parses()
    {
        byte[] bytes = [.. Latin1(RequestHead), .. s_frame];
        var input = Bytewise(bytes);

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out var request, out _));
        Assert.Equal("13", request!.Headers["Sec-WebSocket-Version"]);
        Assert.Equal(s_frame, input.ToArray());
    }

    [Fact]
    public void TryParseRequest_EveryPrefix_IncompleteWithoutConsuming()
    {
        var bytes = Latin1(RequestHead);
        for (var length = 0; length < bytes.Length; length++)
        {
            var input = Split(bytes[..length], length / 2);

            var status = HttpParser.TryParseRequest(ref input, out var request, out var error);

            Assert.Equal(HttpParseStatus.Incomplete, status);
            Assert.Null(request);
            Assert.Null(error);
            Assert.Equal(length, input.Length);
        }
    }

    public static TheoryData<string, string, string> MalformedRequests => new()
    {
        { "bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n", "CRLF" },
        { "bare LF after a field", "GET / HTTP/1.1\r\nHost: a\n\r\n", "CRLF" },
        { "empty line before the request line", "\r\nGET / HTTP/1.1\r\n\r\n", "malformed request line" },
        { "no target", "GET HTTP/1.1\r\n\r\n", "malformed request line" },
        { "no spaces", "GET\r\n\r\n", "malformed request line" },
        { "two spaces", "GET  / HTTP/1.1\r\n\r\n", "request target" },
        { "method not a token", "G(T / HTTP/1.1\r\n\r\n", "method" },
        { "control character in target", "GET /\u0001 HTTP/1.1\r\n\r\n", "request target" },
        { "non-ASCII target", "GET /\u00e9 HTTP/1.1\r\n\r\n", "request target" },
        { "lowercase http", "GET / http/1.1\r\n\r\n", "malformed HTTP version" },
        { "two-digit minor version", "GET / HTTP/1.10\r\n\r\n", "malformed HTTP version" },
        { "version without minor", "GET / HTTP/1\r\n\r\n", "malformed HTTP version" },
        { "HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", "unsupported HTTP version HTTP/2.0" },
        { "HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", "unsupported HTTP version HTTP/0.9" },
        { "HTTP/1.2", "GET / HTTP/1.2\r\n\r\n", "unsupported HTTP version HTTP/1.2" },
        { "whitespace before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", "whitespace before the colon" },
        { "tab before the colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", "whitespace before the colon" },
        { "obs-fold continuation line", "GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n", "line folding" },
        { "whitespace before the first field", "GET / HTTP/1.1\r\n\tHost: a\r\n\r\n", "line folding" },
        { "field without colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", "no colon" },
        { "empty field name", "GET / HTTP/1.1\r\n: a\r\n\r\n", "empty name" },
        { "invalid character in a field name", "GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", "header field name" },
        { "space inside a field name", "GET / HTTP/1.1\r\nX A: a\r\n\r\n", "header field name" },
        { "control character in a value", "GET / HTTP/1.1\r\nX-A: a\u0001b\r\n\r\n", "value of the X-A header" },
        { "NUL in a value", "GET / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n", "value of the X-A header" },
        { "DEL in a value", "GET / HTTP/1.1\r\nX-A: a\u007fb\r\n\r\n", "value of the X-A header" },
        { "CR alone inside a value", "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", "value of the X-A header" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public void TryParseRequest_Malformed_Invalid(string @case, string head, string expectedError)
    {
        _ = @case;
        var input = new ReadOnlySequence<byte>(Latin1(head));

        var status = HttpParser.TryParseRequest(ref input, out var request, out var error);

        Assert.Equal(HttpParseStatus.Invalid, status);
        Assert.Null(request);
        Assert.Contains(expectedError, error);
        Assert.Equal(head.Length, input.Length);
    }

    [Fact]
    public void TryParseRequest_BadRequestLine_InvalidBeforeTheHeadEnds()
    {
        // A peer that is not speaking HTTP is refused at its first line, not after 8 KiB.
        var input = new ReadOnlySequence<byte>(Latin1("\u0016\u0003\u0001 hello\r\nmore"));

        Assert.Equal(HttpParseStatus.Invalid, HttpParser.TryParseRequest(ref input, out _, out _));
    }

    [Fact]
    public void TryParseRequest_NoEndWithinLimit_TooLarge()
    {
        var input = Split(Latin1("GET / HTTP/1.1\r\nX-Big: " + new string('a', 200)), 50);

        var status = HttpParser.TryParseRequest(ref input, out var request, out var error, maxHeadSize: 100);

        Assert.Equal(HttpParseStatus.TooLarge, status);
        Assert.Null(request);
        Assert.Equal("the head is larger than 100 bytes", error);
        Assert.Equal(16 + 7 + 200, input.Length);
    }

    [Fact]
    public void TryParseRequest_CompleteHeadOverLimit_TooLarge()
    {
        var head = Latin1(RequestHead);
        var input = new ReadOnlySequence<byte>(head);

        Assert.Equal(HttpParseStatus.TooLarge, HttpParser.TryParseRequest(ref input, out _, out _, maxHeadSize: head.Length - 1));
    }

    [Fact]
    public void TryParseRequest_HeadExactlyAtLimit_Complete()
    {
        byte[] bytes = [.. Latin1(RequestHead), .. s_frame];
        var input = Split(bytes, 10, RequestHead.Length - 1);

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out _, out _, maxHeadSize: RequestHead.Length));
        Assert.Equal(s_frame, input.ToArray());
    }

    [Fact]
    public void TryParseRequest_IncompleteUnderLimit_Incomplete()
    {
        var input = new ReadOnlySequence<byte>(Latin1("GET / HTTP/1.1\r\nX: 1234"));

        Assert.Equal(HttpParseStatus.Incomplete, HttpParser.TryParseRequest(ref input, out _, out _, maxHeadSize: 24));
    }

    [Fact]
    public void TryParseRequest_MoreFieldsThanLimit_TooLarge()
    {
        var head = "GET / HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 4).Select(i => $"X-{i}: {i}\r\n")) + "\r\n";
        var input = new ReadOnlySequence<byte>(Latin1(head));

        var status = HttpParser.TryParseRequest(ref input, out _, out var error, maxHeaderCount: 3);

        Assert.Equal(HttpParseStatus.TooLarge, status);
        Assert.Equal("the head has more than 3 header fields", error);
        Assert.Equal(head.Length, input.Length);
    }

    [Fact]
    public void TryParseRequest_FieldsAtLimit_Complete()
    {
        var head = "GET / HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 3).Select(i => $"X-{i}: {i}\r\n")) + "\r\n";
        var input = new ReadOnlySequence<byte>(Latin1(head));

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out var request, out _, maxHeaderCount: 3));
        Assert.Equal(3, request!.Headers.Count);
    }

    [Fact]
    public void TryParseResponse_101_ParsesStatusAndFields()
    {
        var input = new ReadOnlySequence<byte>(Latin1(ResponseHead));

        var status = HttpParser.TryParseResponse(ref input, out var response, out var error);

        Assert.Equal(HttpParseStatus.Complete, status);
        Assert.Null(error);
        Assert.True(input.IsEmpty);
        Assert.Equal(101, response!.StatusCode);
        Assert.Equal("Switching Protocols", response.ReasonPhrase);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", response.Headers["Sec-WebSocket-Accept"]);
        Assert.True(response.Body.IsEmpty);
    }

    [Theory]
    [InlineData("HTTP/1.1 101 \r\n\r\n", 101, "")]
    [InlineData("HTTP/1.0 403 Forbidden\r\n\r\n", 403, "Forbidden")]
    [InlineData("HTTP/1.1 426 Upgrade  Required\t\r\n\r\n", 426, "Upgrade  Required\t")]
    public void TryParseResponse_StatusLines_Parse(string head, int statusCode, string reason)
    {
        var input = new ReadOnlySequence<byte>(Latin1(head));

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseResponse(ref input, out var response, out _));
        Assert.Equal(statusCode, response!.StatusCode);
        Assert.Equal(reason, response.ReasonPhrase);
    }

    [Fact]
    public void TryParseResponse_HeadSplitAtEveryByte_LeavesFramesUnconsumed()
    {
        byte[] bytes = [.. Latin1(ResponseHead), 0x81, 0x02, 0x68, 0x69];
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var input = Split(bytes, cut);

            Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseResponse(ref input, out var response, out _));
            Assert.Equal(101, response!.StatusCode);
            Assert.Equal([0x81, 0x02, 0x68, 0x69], input.ToArray());
        }
    }

    [Fact]
    public void TryParseResponse_Refusal_BodyLeftUnconsumed()
    {
        var input = new ReadOnlySequence<byte>(Latin1("HTTP/1.1 403 Forbidden\r\nContent-Length: 3\r\n\r\nno\n"));

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseResponse(ref input, out var response, out _));
        Assert.Equal(403, response!.StatusCode);
        Assert.True(response.Body.IsEmpty);
        Assert.Equal("no\n", Encoding.ASCII.GetString(input.ToArray()));
    }

    public static TheoryData<string, string, string> MalformedResponses => new()
    {
        { "not HTTP", "ICY 200 OK\r\n\r\n", "malformed HTTP version" },
        { "no status code", "HTTP/1.1\r\n\r\n", "malformed status line" },
        { "no space after the code", "HTTP/1.1 101\r\n\r\n", "malformed status line" },
        { "two spaces before the code", "HTTP/1.1  101 x\r\n\r\n", "malformed status line" },
        { "two-digit code", "HTTP/1.1 99 x\r\n\r\n", "malformed status line" },
        { "non-numeric code", "HTTP/1.1 1O1 Switching Protocols\r\n\r\n", "invalid status code" },
        { "code out of range", "HTTP/1.1 600 Nope\r\n\r\n", "invalid status code" },
        { "HTTP/3.0", "HTTP/3.0 101 x\r\n\r\n", "unsupported HTTP version HTTP/3.0" },
        { "control character in the reason", "HTTP/1.1 101 Switching\u0001\r\n\r\n", "reason phrase" },
        { "bare LF", "HTTP/1.1 101 Switching Protocols\n\n", "CRLF" },
        { "obs-fold", "HTTP/1.1 101 x\r\nUpgrade: websocket\r\n  more\r\n\r\n", "line folding" },
    };

    [Theory]
    [MemberData(nameof(MalformedResponses))]
    public void TryParseResponse_Malformed_Invalid(string @case, string head, string expectedError)
    {
        _ = @case;
        var input = new ReadOnlySequence<byte>(Latin1(head));

        var status = HttpParser.TryParseResponse(ref input, out var response, out var error);

        Assert.Equal(HttpParseStatus.Invalid, status);
        Assert.Null(response);
        Assert.Contains(expectedError, error);
        Assert.Equal(head.Length, input.Length);
    }

    [Fact]
    public void TryParseResponse_MoreFieldsThanLimit_TooLarge()
    {
        var input = new ReadOnlySequence<byte>(Latin1(ResponseHead));

        Assert.Equal(HttpParseStatus.TooLarge, HttpParser.TryParseResponse(ref input, out _, out _, maxHeaderCount: 2));
    }

    [Fact]
    public void WriteRequest_WritesHeadWithCrlf()
    {
        var headers = new HeaderFields();
        headers.Add("Host", "server.example.com");
        headers.Add("Upgrade", "websocket");
        var output = new ArrayBufferWriter<byte>();

        HttpParser.WriteRequest(output, new HandshakeRequest("GET", "/chat", headers));

        Assert.Equal("GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n\r\n", Encoding.Latin1.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteRequest_Latin1Value_WrittenAsOneByte()
    {
        var headers = new HeaderFields();
        headers.Add("X-Name", "René");
        var output = new ArrayBufferWriter<byte>();

        HttpParser.WriteRequest(output, new HandshakeRequest("GET", "/", headers));

        Assert.Equal([.. Latin1("GET / HTTP/1.1\r\nX-Name: Ren"), 0xE9, .. Latin1("\r\n\r\n")], output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData("X-A", "a\r\nX-Injected: 1")]
    [InlineData("X-A", "a\nb")]
    [InlineData("X-A", "\u20ac")]
    [InlineData("X A", "a")]
    [InlineData("X-A:", "a")]
    public void WriteRequest_FieldThatWouldNotParseBack_Throws(string name, string value)
    {
        var headers = new HeaderFields();
        headers.Add(name, value);

        Assert.Throws<ArgumentException>(() => HttpParser.WriteRequest(new ArrayBufferWriter<byte>(), new HandshakeRequest("GET", "/", headers)));
    }

    [Theory]
    [InlineData("GE T", "/", "HTTP/1.1")]
    [InlineData("GET", "/a b", "HTTP/1.1")]
    [InlineData("GET", "", "HTTP/1.1")]
    [InlineData("GET", "/", "HTTP/2")]
    public void WriteRequest_InvalidRequestLine_Throws(string method, string target, string version)
    {
        var request = new HandshakeRequest(method, target, new HeaderFields(), version);

        Assert.Throws<ArgumentException>(() => HttpParser.WriteRequest(new ArrayBufferWriter<byte>(), request));
    }

    [Fact]
    public void WriteResponse_101_NoContentLength()
    {
        var headers = new HeaderFields();
        headers.Add("Upgrade", "websocket");
        headers.Add("Connection", "Upgrade");
        headers.Add("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        var output = new ArrayBufferWriter<byte>();

        HttpParser.WriteResponse(output, new HandshakeResponse(101, "Switching Protocols", headers));

        Assert.Equal(ResponseHead, Encoding.Latin1.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteResponse_Refusal_AddsContentLengthAndBody()
    {
        var output = new ArrayBufferWriter<byte>();

        HttpParser.WriteResponse(output, HandshakeResponse.Text(403, "Forbidden: é\n"));

        Assert.Equal(
            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\n\r\nForbidden: é\n",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteResponse_EmptyBodyNot101_AddsContentLengthZero()
    {
        var output = new ArrayBufferWriter<byte>();

        HttpParser.WriteResponse(output, new HandshakeResponse(200, "OK", new HeaderFields()));

        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", Encoding.Latin1.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteResponse_ContentLengthPresent_NotDuplicated()
    {
        var headers = new HeaderFields();
        headers.Add("content-length", "2");
        var output = new ArrayBufferWriter<byte>();

        HttpParser.WriteResponse(output, new HandshakeResponse(400, "Bad Request", headers, "no"u8.ToArray()));

        Assert.Equal("HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\nno", Encoding.Latin1.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteResponse_ContentLengthDisagreesWithBody_Throws()
    {
        var headers = new HeaderFields();
        headers.Add("Content-Length", "5");

        Assert.Throws<ArgumentException>(() => HttpParser.WriteResponse(new ArrayBufferWriter<byte>(), new HandshakeResponse(400, "Bad Request", headers, "no"u8.ToArray())));
    }

    [Fact]
    public void WriteResponse_ReasonWithCrlf_Throws()
    {
        Assert.Throws<ArgumentException>(() => HttpParser.WriteResponse(new ArrayBufferWriter<byte>(), new HandshakeResponse(400, "Bad\r\nX: 1", new HeaderFields())));
    }

    [Fact]
    public void WriteResponse_ThenParse_RoundTrips()
    {
        var output = new ArrayBufferWriter<byte>();
        HttpParser.WriteResponse(output, HandshakeResponse.Text(426, "upgrade\n"));
        var input = new ReadOnlySequence<byte>(output.WrittenMemory);

        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseResponse(ref input, out var response, out _));
        Assert.Equal(426, response!.StatusCode);
        Assert.Equal("Upgrade Required", response.ReasonPhrase);
        Assert.Equal("8", response.Headers["Content-Length"]);
        Assert.Equal("upgrade\n", Encoding.UTF8.GetString(input.ToArray()));
    }
}
