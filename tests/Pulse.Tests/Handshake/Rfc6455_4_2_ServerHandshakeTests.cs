using System.Text;
using Pulse.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>RFC 6455 §4.2: "If the server, while reading the handshake, finds that the client did not send a handshake that matches the description below ..., the server MUST stop processing the client's handshake and return an HTTP response with an appropriate error code."</summary>
public class Rfc6455_4_2_ServerHandshakeTests
{
    private static readonly ServerHandshake s_server = new(null, []);

    [Fact]
    public void Accept_Rfc6455Example_Accepts101()
    {
        var result = s_server.Accept(Request());

        Assert.True(result.Accepted);
        Assert.Null(result.Subprotocol);
        Assert.Empty(result.ExtensionOffers);
        Assert.Equal(101, result.Response.StatusCode);
        Assert.Equal("Switching Protocols", result.Response.ReasonPhrase);
        Assert.Equal(
            [new("Upgrade", "websocket"), new("Connection", "Upgrade"), new("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")],
            result.Response.Headers.ToList());
        Assert.True(result.Response.Body.IsEmpty);
    }

    private static readonly Dictionary<string, (HandshakeRequest Request, ServerHandshake Server, int Status, string Why, (string Name, string Value)[] Headers)> s_refusals = new()
    {
        ["POST"] = (Request(method: "POST"), s_server, 405, "the method must be GET, not POST", [("Allow", "GET")]),
        ["lowercase get"] = (Request(method: "get"), s_server, 405, "the method must be GET, not get", [("Allow", "GET")]),
        ["HTTP/1.0"] = (Request(version: "HTTP/1.0"), s_server, 400, "HTTP/1.1 or later is required, not HTTP/1.0", []),
        ["no Host"] = (Request(omit: "Host"), s_server, 400, "missing Host header", []),
        ["two Host"] = (Request(add: [("Host", "other.example.com")]), s_server, 400, "more than one Host header", []),
        ["no Upgrade"] = (Request(omit: "Upgrade"), s_server, 426, "the request is not a WebSocket upgrade (Upgrade: websocket is missing)", UpgradeHeaders),
        ["Upgrade: h2c"] = (Request(omit: "Upgrade", add: [("Upgrade", "h2c")]), s_server, 426, "the request is not a WebSocket upgrade (Upgrade: websocket is missing)", UpgradeHeaders),
        ["plain GET"] = (Request(omit: "Upgrade Connection Sec-WebSocket-Key Sec-WebSocket-Version"), s_server, 426, "the request is not a WebSocket upgrade (Upgrade: websocket is missing)", UpgradeHeaders),
        ["no Connection"] = (Request(omit: "Connection"), s_server, 400, "the Connection header must include upgrade", []),
        ["Connection: keep-alive"] = (Request(omit: "Connection", add: [("Connection", "keep-alive")]), s_server, 400, "the Connection header must include upgrade", []),
        ["no version"] = (Request(omit: "Sec-WebSocket-Version"), s_server, 426, "missing Sec-WebSocket-Version header", UpgradeHeaders),
        ["version 8"] = (Request(omit: "Sec-WebSocket-Version", add: [("Sec-WebSocket-Version", "8")]), s_server, 426, "Sec-WebSocket-Version must be 13", UpgradeHeaders),
        ["two versions"] = (Request(add: [("Sec-WebSocket-Version", "8")]), s_server, 426, "Sec-WebSocket-Version must be 13", UpgradeHeaders),
        ["no key"] = (Request(omit: "Sec-WebSocket-Key"), s_server, 400, "missing Sec-WebSocket-Key header", []),
        ["two keys"] = (Request(add: [("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==")]), s_server, 400, "more than one Sec-WebSocket-Key header", []),
        ["15-byte key"] = (Request(omit: "Sec-WebSocket-Key", add: [("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA")]), s_server, 400, "invalid Sec-WebSocket-Key header; expected 16 bytes in base64", []),
        ["key not base64"] = (Request(omit: "Sec-WebSocket-Key", add: [("Sec-WebSocket-Key", "not a key")]), s_server, 400, "invalid Sec-WebSocket-Key header; expected 16 bytes in base64", []),
        ["origin not allowed"] = (Request(add: [("Origin", "https://evil.example")]), WithOrigins("https://example.com"), 403, "origin https://evil.example is not allowed", []),
        ["null origin not listed"] = (Request(add: [("Origin", "null")]), WithOrigins("https://example.com"), 403, "origin null is not allowed", []),
        ["two origins"] = (Request(add: [("Origin", "https://example.com"), ("Origin", "https://example.com")]), WithOrigins("https://example.com"), 400, "more than one Origin header", []),
        ["subprotocol not a token"] = (Request(add: [("Sec-WebSocket-Protocol", "chat, super chat")]), s_server, 400, "invalid Sec-WebSocket-Protocol header; expected a list of tokens", []),
        ["malformed extensions"] = (Request(add: [("Sec-WebSocket-Extensions", "permessage-deflate;;x")]), s_server, 400, "invalid Sec-WebSocket-Extensions header: expected a parameter name after ';' in the permessage-deflate extension", []),
    };

    private static (string, string)[] UpgradeHeaders => [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13")];

    public static TheoryData<string> Refusals => [.. s_refusals.Keys];

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Accept_Refusal_StatusHeadersAndOneLineBody(string @case)
    {
        var (request, server, status, why, headers) = s_refusals[@case];

        var result = server.Accept(request);

        Assert.False(result.Accepted);
        Assert.Null(result.Subprotocol);
        Assert.Empty(result.ExtensionOffers);
        Assert.Equal(status, result.Response.StatusCode);
        Assert.NotEmpty(result.Response.ReasonPhrase);
        Assert.Equal($"Failed to open a WebSocket connection: {why}.\n", Encoding.UTF8.GetString(result.Response.Body.Span));
        Assert.Equal("text/plain; charset=utf-8", result.Response.Headers["Content-Type"]);
        foreach (var (name, value) in headers)
        {
            Assert.Equal(value, result.Response.Headers[name]);
        }

        Assert.Null(result.Response.Headers["Sec-WebSocket-Accept"]);
    }

    [Theory]
    [InlineData("Upgrade", "WebSocket")]
    [InlineData("Upgrade", "h2c, websocket")]
    [InlineData("Connection", "UPGRADE")]
    [InlineData("Connection", "keep-alive, Upgrade")]
    [InlineData("Connection", "keep-alive,upgrade,")]
    public void Accept_TokenListsInAnyCase_Accepts(string name, string value)
    {
        Assert.True(s_server.Accept(Request(omit: name, add: [(name, value)])).Accepted);
    }

    [Fact]
    public void Accept_ConnectionOnSeveralLines_Accepts()
    {
        Assert.True(s_server.Accept(Request(omit: "Connection", add: [("Connection", "keep-alive"), ("Connection", "Upgrade")])).Accepted);
    }

    [Fact]
    public void Accept_Http11OrLater_Accepts()
    {
        Assert.True(s_server.Accept(Request(version: "HTTP/2.0")).Accepted);
    }

    [Theory]
    [InlineData("chat, superchat", "superchat")]
    [InlineData("superchat, chat", "superchat")]
    [InlineData("chat", "chat")]
    [InlineData("x, chat ,", "chat")]
    public void Accept_Subprotocol_ServerPreferenceWins(string offered, string chosen)
    {
        var server = new ServerHandshake(null, ["superchat", "chat"]);

        var result = server.Accept(Request(add: [("Sec-WebSocket-Protocol", offered)]));

        Assert.True(result.Accepted);
        Assert.Equal(chosen, result.Subprotocol);
        Assert.Equal(chosen, result.Response.Headers["Sec-WebSocket-Protocol"]);
    }

    [Fact]
    public void Accept_SubprotocolsOnSeveralLines_AllConsidered()
    {
        var server = new ServerHandshake(null, ["pulse.v1.json"]);

        var result = server.Accept(Request(add: [("Sec-WebSocket-Protocol", "chat"), ("Sec-WebSocket-Protocol", "pulse.v1.json")]));

        Assert.Equal("pulse.v1.json", result.Subprotocol);
    }

    [Theory]
    [InlineData("x, y")]
    [InlineData("Chat")]
    [InlineData(null)]
    public void Accept_NoCommonSubprotocol_AcceptsWithoutOne(string? offered)
    {
        var server = new ServerHandshake(null, ["chat"]);
        var request = offered is null ? Request() : Request(add: [("Sec-WebSocket-Protocol", offered)]);

        var result = server.Accept(request);

        Assert.True(result.Accepted);
        Assert.Null(result.Subprotocol);
        Assert.False(result.Response.Headers.Contains("Sec-WebSocket-Protocol"));
    }

    [Fact]
    public void Accept_ExtensionOffers_ReturnedButNotAccepted()
    {
        var result = s_server.Accept(Request(add: [
            ("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"),
            ("Sec-WebSocket-Extensions", "x-webkit-deflate-frame"),
        ]));

        Assert.True(result.Accepted);
        Assert.Equal(["permessage-deflate", "x-webkit-deflate-frame"], result.ExtensionOffers.Select(o => o.Name));
        Assert.False(result.Response.Headers.Contains("Sec-WebSocket-Extensions"));
    }

    [Theory]
    [InlineData("https://example.com")]
    [InlineData("https://chat.example.com")]
    [InlineData(null)]
    public void Accept_OriginAllowedOrMissing_Accepts(string? origin)
    {
        var server = WithOrigins("https://example.com", "https://*.example.com");
        var request = origin is null ? Request() : Request(add: [("Origin", origin)]);

        Assert.True(server.Accept(request).Accepted);
    }

    [Fact]
    public void Accept_NoOriginPolicy_AnyOriginAccepted()
    {
        Assert.True(s_server.Accept(Request(add: [("Origin", "https://anywhere.example")])).Accepted);
    }

    [Theory]
    [InlineData("super chat")]
    [InlineData("")]
    public void Constructor_SubprotocolNotAToken_Throws(string subprotocol)
    {
        Assert.Throws<ArgumentException>(() => new ServerHandshake(null, ["chat", subprotocol]));
    }

    private static ServerHandshake WithOrigins(params string[] origins) => new(new OriginPolicy(origins), []);

    // The request of RFC 6455 §1.2, minus its optional fields; omit is a space-separated list of names.
    private static HandshakeRequest Request(string method = "GET", string version = "HTTP/1.1", string omit = "", (string Name, string Value)[]? add = null)
    {
        (string Name, string Value)[] fields =
        [
            ("Host", "server.example.com"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
        ];
        var omitted = omit.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var headers = new HeaderFields();
        foreach (var (name, value) in fields.Where(f => !omitted.Contains(f.Name)).Concat(add ?? []))
        {
            headers.Add(name, value);
        }

        return new HandshakeRequest(method, "/chat", headers, version);
    }
}
