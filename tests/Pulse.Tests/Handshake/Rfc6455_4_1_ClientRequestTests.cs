using Pulse.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>RFC 6455 §4.1: "The handshake MUST be a valid HTTP request ... The method of the request MUST be GET, and the HTTP version MUST be at least 1.1."</summary>
public class Rfc6455_4_1_ClientRequestTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    [Fact]
    public void Request_Minimal_HasTheRequiredFieldsInOrder()
    {
        var handshake = new ClientHandshake(new Uri("ws://server.example.com/chat"), key: Key);

        var request = handshake.Request;

        Assert.Equal("GET", request.Method);
        Assert.Equal("/chat", request.Target);
        Assert.Equal("HTTP/1.1", request.Version);
        Assert.Equal(
            [
                new("Host", "server.example.com"),
                new("Upgrade", "websocket"),
                new("Connection", "Upgrade"),
                new("Sec-WebSocket-Key", Key),
                new("Sec-WebSocket-Version", "13"),
            ],
            request.Headers.ToList());
        Assert.Equal(Key, handshake.Key);
    }

    [Theory]
    [InlineData("ws://example.com", "example.com")]
    [InlineData("ws://example.com:80/", "example.com")]
    [InlineData("ws://example.com:443/", "example.com:443")]
    [InlineData("wss://example.com:443/", "example.com")]
    [InlineData("wss://example.com:80/", "example.com:80")]
    [InlineData("ws://EXAMPLE.com:8765/", "example.com:8765")]
    [InlineData("ws://127.0.0.1:8765/", "127.0.0.1:8765")]
    [InlineData("ws://[::1]:8765/", "[::1]:8765")]
    [InlineData("wss://[2001:db8::1]/", "[2001:db8::1]")]
    [InlineData("ws://[fe80::1%25eth0]:9000/", "[fe80::1]:9000")]
    [InlineData("ws://bücher.example/", "xn--bcher-kva.example")]
    [InlineData("ws://user:secret@example.com/", "example.com")]
    public void Request_Host_OmitsDefaultPortAndBracketsIPv6(string uri, string host)
    {
        Assert.Equal(host, new ClientHandshake(new Uri(uri)).Request.Headers["Host"]);
    }

    [Theory]
    [InlineData("ws://example.com", "/")]
    [InlineData("ws://example.com?x=1", "/?x=1")]
    [InlineData("ws://example.com/a/b?x=1&y=2", "/a/b?x=1&y=2")]
    [InlineData("ws://example.com/a b", "/a%20b")]
    public void Request_Target_IsPathAndQuery(string uri, string target)
    {
        Assert.Equal(target, new ClientHandshake(new Uri(uri)).Request.Target);
    }

    [Fact]
    public void Request_NoKeyGiven_FreshValidKeyEachTime()
    {
        var first = new ClientHandshake(new Uri("ws://example.com/"));
        var second = new ClientHandshake(new Uri("ws://example.com/"));

        Assert.True(WebSocketAccept.IsValidKey(first.Key));
        Assert.Equal(first.Key, first.Request.Headers["Sec-WebSocket-Key"]);
        Assert.NotEqual(first.Key, second.Key);
    }

    [Fact]
    public void Request_OptionalFields_AfterTheRequiredOnes()
    {
        var handshake = new ClientHandshake(
            new Uri("wss://example.com/hub"),
            subprotocols: ["pulse.v1.json", "chat"],
            origin: "https://example.com",
            headers: [new("Authorization", "Bearer abc"), new("X-Trace", "1")],
            key: Key);

        Assert.Equal(
            ["Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Origin", "Sec-WebSocket-Protocol", "Authorization", "X-Trace"],
            handshake.Request.Headers.Select(h => h.Key));
        Assert.Equal("https://example.com", handshake.Request.Headers["Origin"]);
        Assert.Equal("pulse.v1.json, chat", handshake.Request.Headers["Sec-WebSocket-Protocol"]);
        Assert.Equal("Bearer abc", handshake.Request.Headers["Authorization"]);
    }

    [Fact]
    public void Request_HostHeaderGiven_ReplacesTheComputedHost()
    {
        var handshake = new ClientHandshake(new Uri("ws://10.0.0.5:8080/"), headers: [new("host", "chat.example.com")]);

        Assert.Equal("chat.example.com", Assert.Single(handshake.Request.Headers.GetValues("Host")));
        Assert.Equal("Host", handshake.Request.Headers.First().Key);
    }

    [Theory]
    [InlineData("Upgrade")]
    [InlineData("connection")]
    [InlineData("Sec-WebSocket-Key")]
    [InlineData("SEC-WEBSOCKET-VERSION")]
    [InlineData("Sec-WebSocket-Accept")]
    [InlineData("Sec-WebSocket-Extensions")]
    [InlineData("Sec-WebSocket-Protocol")]
    [InlineData("Origin")]
    public void Constructor_HeaderTheHandshakeSets_ThrowsNamingIt(string name)
    {
        var exception = Assert.Throws<ArgumentException>(() => new ClientHandshake(new Uri("ws://example.com/"), headers: [new(name, "x")]));

        Assert.Contains(name, exception.Message);
        Assert.Equal("headers", exception.ParamName);
    }

    [Theory]
    [InlineData("X-A", "a\r\nX-B: b")]
    [InlineData("X A", "a")]
    [InlineData("", "a")]
    public void Constructor_InvalidHeader_Throws(string name, string value)
    {
        Assert.Throws<ArgumentException>(() => new ClientHandshake(new Uri("ws://example.com/"), headers: [new(name, value)]));
    }

    [Theory]
    [InlineData("http://example.com/")]
    [InlineData("https://example.com/")]
    [InlineData("ftp://example.com/")]
    [InlineData("ws://example.com/#fragment")]
    public void Constructor_NotAWebSocketUri_Throws(string uri)
    {
        var exception = Assert.Throws<ArgumentException>(() => new ClientHandshake(new Uri(uri)));

        Assert.Equal("uri", exception.ParamName);
    }

    [Fact]
    public void Constructor_RelativeUri_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ClientHandshake(new Uri("/chat", UriKind.Relative)));
    }

    [Theory]
    [InlineData("super chat")]
    [InlineData("chat,x")]
    [InlineData("")]
    public void Constructor_SubprotocolNotAToken_Throws(string subprotocol)
    {
        var exception = Assert.Throws<ArgumentException>(() => new ClientHandshake(new Uri("ws://example.com/"), subprotocols: [subprotocol]));

        Assert.Equal("subprotocols", exception.ParamName);
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not a key")]
    public void Constructor_InvalidKey_Throws(string key)
    {
        var exception = Assert.Throws<ArgumentException>(() => new ClientHandshake(new Uri("ws://example.com/"), key: key));

        Assert.Equal("key", exception.ParamName);
    }

    [Fact]
    public void Constructor_OriginWithCrlf_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ClientHandshake(new Uri("ws://example.com/"), origin: "https://a.example\r\nX: 1"));
    }
}
