using System.Text;
using Pulse.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>
/// RFC 8441 §4–5: over HTTP/2 a WebSocket opens with an extended CONNECT whose <c>:protocol</c> is "websocket";
/// "the Sec-WebSocket-Key and Sec-WebSocket-Accept header fields are not used", the server answers with a 2xx,
/// and Sec-WebSocket-Version, -Protocol, -Extensions and Origin keep their RFC 6455 meaning.
/// </summary>
public class Rfc8441_ExtendedConnectTests
{
    private static readonly ServerHandshake s_server = new(null, []);

    [Fact]
    public void AcceptExtendedConnect_Rfc8441Example_Accepts200WithoutUpgradeHeaders()
    {
        var result = s_server.AcceptExtendedConnect(Request(), "websocket");

        Assert.True(result.Accepted);
        Assert.Equal(200, result.Response.StatusCode);
        Assert.Empty(result.Response.Headers);
        Assert.True(result.Response.Body.IsEmpty);
        Assert.Null(result.Subprotocol);
    }

    [Fact]
    public void AcceptExtendedConnect_NoKeyNeeded_AndAKeyIsIgnored()
    {
        var withKey = s_server.AcceptExtendedConnect(Request(add: [("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")]), "websocket");

        Assert.True(withKey.Accepted);
        Assert.False(withKey.Response.Headers.Contains("Sec-WebSocket-Accept"));
    }

    [Fact]
    public void AcceptExtendedConnect_ProtocolTokenInAnyCase_Accepts()
    {
        Assert.True(s_server.AcceptExtendedConnect(Request(), "WebSocket").Accepted);
    }

    private static readonly Dictionary<string, (HandshakeRequest Request, string? Protocol, ServerHandshake Server, int Status, string Why, (string Name, string Value)[] Headers)> s_refusals = new()
    {
        ["GET"] = (Request(method: "GET"), "websocket", s_server, 405, "the method must be CONNECT, not GET", [("Allow", "CONNECT")]),
        ["no :protocol"] = (Request(), null, s_server, 400, "the extended CONNECT request has no :protocol", []),
        [":protocol webtransport"] = (Request(), "webtransport", s_server, 400, "the :protocol must be websocket, not webtransport", []),
        ["no version"] = (Request(omit: "sec-websocket-version"), "websocket", s_server, 400, "missing Sec-WebSocket-Version header", [("Sec-WebSocket-Version", "13")]),
        ["version 8"] = (Request(omit: "sec-websocket-version", add: [("sec-websocket-version", "8")]), "websocket", s_server, 400, "Sec-WebSocket-Version must be 13", [("Sec-WebSocket-Version", "13")]),
        ["origin not allowed"] = (Request(omit: "origin", add: [("origin", "https://evil.example")]), "websocket", new ServerHandshake(new OriginPolicy(["https://example.com"]), []), 403, "origin https://evil.example is not allowed", []),
        ["subprotocol not a token"] = (Request(add: [("sec-websocket-protocol", "chat, super chat")]), "websocket", s_server, 400, "invalid Sec-WebSocket-Protocol header; expected a list of tokens", []),
    };

    public static TheoryData<string> Refusals => [.. s_refusals.Keys];

    [Theory]
    [MemberData(nameof(Refusals))]
    public void AcceptExtendedConnect_Refusal_StatusHeadersAndOneLineBody(string @case)
    {
        var (request, protocol, server, status, why, headers) = s_refusals[@case];

        var result = server.AcceptExtendedConnect(request, protocol);

        Assert.False(result.Accepted);
        Assert.Equal(status, result.Response.StatusCode);
        Assert.Equal($"Failed to open a WebSocket connection: {why}.\n", Encoding.UTF8.GetString(result.Response.Body.Span));
        foreach (var (name, value) in headers)
        {
            Assert.Equal(value, result.Response.Headers[name]);
        }

        // RFC 9113 §8.2.2: connection-specific fields have no place in an HTTP/2 answer.
        Assert.False(result.Response.Headers.Contains("Upgrade"));
        Assert.False(result.Response.Headers.Contains("Connection"));
    }

    [Fact]
    public void AcceptExtendedConnect_SubprotocolAndDeflate_NegotiatedAsOverHttp11()
    {
        var server = new ServerHandshake(null, ["pulse.v1.protobuf", "pulse.v1.json"], new CompressionOptions());
        var request = Request(add: [("sec-websocket-protocol", "pulse.v1.json"), ("sec-websocket-extensions", "permessage-deflate; client_max_window_bits")]);

        var overHttp2 = server.AcceptExtendedConnect(request, "websocket");

        Assert.True(overHttp2.Accepted);
        Assert.Equal("pulse.v1.json", overHttp2.Subprotocol);
        Assert.Equal("pulse.v1.json", overHttp2.Response.Headers["Sec-WebSocket-Protocol"]);
        Assert.NotNull(overHttp2.Compression);
        Assert.Equal(overHttp2.Compression!.ToString(), overHttp2.Response.Headers["Sec-WebSocket-Extensions"]);
    }

    [Fact]
    public void Accept_PlainGetOverHttp2_IsNotAnUpgrade_426()
    {
        // A GET over HTTP/2 to a WebSocket path (Kestrel gives :authority as Host): neither an upgrade nor an extended CONNECT.
        var headers = new HeaderFields();
        headers.Add("Host", "server.example.com");
        var result = s_server.Accept(new HandshakeRequest("GET", "/echo", headers, "HTTP/2"));

        Assert.Equal(426, result.Response.StatusCode);
    }

    // RFC 8441 §5.1's example request, as ASP.NET Core hands its headers over (pseudo-headers apart, names in lowercase).
    private static HandshakeRequest Request(string method = "CONNECT", string omit = "", (string Name, string Value)[]? add = null)
    {
        (string Name, string Value)[] fields =
        [
            ("sec-websocket-version", "13"),
            ("origin", "http://www.example.com"),
        ];
        var omitted = omit.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var headers = new HeaderFields();
        foreach (var (name, value) in fields.Where(f => !omitted.Contains(f.Name)).Concat(add ?? []))
        {
            headers.Add(name, value);
        }

        return new HandshakeRequest(method, "/chat", headers, "HTTP/2");
    }
}
