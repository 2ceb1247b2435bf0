using Pulse.Testing;

namespace Pulse.IntegrationTests.ClientConformance;

/// <summary>
/// Pulse's client against opening-handshake answers a raw-socket server writes (RFC 6455 §4.1, RFC 7692 §7.1):
/// every answer the RFC says to reject fails <c>ConnectAsync</c> with an <see cref="InvalidHandshakeException"/>
/// naming what is wrong, and the TCP connection is closed.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class ClientHandshakeConformanceTests : IAsyncLifetime
{
    private readonly RawServerPeer _peer = RawServerPeer.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    private static string Answer(RawHttpRequest request, string status = "101 Switching Protocols", string? upgrade = "websocket", string? connection = "Upgrade", string? accept = null, params string[] extra) =>
        $"HTTP/1.1 {status}\r\n"
        + (upgrade is null ? "" : $"Upgrade: {upgrade}\r\n")
        + (connection is null ? "" : $"Connection: {connection}\r\n")
        + $"Sec-WebSocket-Accept: {accept ?? RawServerPeer.Accept(request.Header("Sec-WebSocket-Key")!)}\r\n"
        + string.Concat(extra.Select(h => h + "\r\n")) + "\r\n";

    /// <summary>
    /// RFC 9112 §6.3: a refusal's body may be chunked (ASP.NET Core writes one so when no length is set), have a
    /// Content-Length, or be empty; either way the message shows its first line, not a chunk size, and the client
    /// does not wait for the server to close (this server keeps the connection open, and the open timeout is long).
    /// </summary>
    [Theory]
    [InlineData("Transfer-Encoding: chunked", "1d\r\nUnauthorized: invalid token.\n\r\n0\r\n\r\n", "Unauthorized: invalid token.")]
    [InlineData("Transfer-Encoding: chunked", "f;note=split\r\nUnauthorized: i\r\n12\r\nnvalid token.\nmore\r\n0\r\n\r\n", "Unauthorized: invalid token.")]
    [InlineData("Content-Length: 29", "Unauthorized: invalid token.\n", "Unauthorized: invalid token.")]
    [InlineData("Content-Length: 0", "", "")]
    public async Task Refusal_ChunkedWithContentLengthOrEmpty_MessageIsTheBodysFirstLine(string framing, string body, string firstLine)
    {
        var options = RawServerPeer.Options();
        options.OpenTimeout = TimeSpan.FromHours(1);

        var error = await _peer.HandshakeFailsAsync(_ => $"HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n{framing}\r\n\r\n{body}", options);

        var refused = Assert.IsType<InvalidStatusException>(error);
        Assert.Equal(401, refused.StatusCode);
        Assert.Equal(firstLine, refused.BodyFirstLine);
        Assert.Equal("server rejected WebSocket connection: HTTP 401" + (firstLine.Length > 0 ? $": {firstLine}" : ""), refused.Message);
    }

    /// <summary>RFC 6455 §4.1: the request is a GET with Upgrade, Connection, a 16-byte base64 key and version 13.</summary>
    [Fact]
    public async Task Request_CarriesTheRequiredHeaders()
    {
        RawHttpRequest? seen = null;

        var (client, server) = await _peer.OpenAsync(answer: r => RawServerPeer.Upgrade(seen = r));
        await using (server)
        await using (client)
        {
            Assert.StartsWith("GET /conformance HTTP/1.1", seen!.RequestLine, StringComparison.Ordinal);
            Assert.Equal("websocket", seen.Header("Upgrade"), ignoreCase: true);
            Assert.Contains("upgrade", seen.Header("Connection")!, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("13", seen.Header("Sec-WebSocket-Version"));
            Assert.Equal(16, Convert.FromBase64String(seen.Header("Sec-WebSocket-Key")!).Length);
            Assert.NotNull(seen.Header("Host"));
        }
    }

    /// <summary>RFC 6455 §4.1 (the client's checks, items 1–4 and 5–6): each broken answer is refused, naming the fault.</summary>
    [Theory]
    [InlineData("status 200", "HTTP 200")]
    [InlineData("no Upgrade", "Upgrade")]
    [InlineData("Upgrade: h2c", "Upgrade")]
    [InlineData("no Connection", "Connection")]
    [InlineData("wrong Sec-WebSocket-Accept", "Sec-WebSocket-Accept")]
    [InlineData("accept of another key", "Sec-WebSocket-Accept")]
    [InlineData("subprotocol not offered", "subprotocol")]
    [InlineData("extension not offered", "extension")]
    public async Task BrokenAnswer_FailsTheHandshake(string fault, string named)
    {
        Func<RawHttpRequest, string> answer = fault switch
        {
            "status 200" => r => Answer(r, status: "200 OK", extra: "Content-Length: 0"),
            "no Upgrade" => r => Answer(r, upgrade: null),
            "Upgrade: h2c" => r => Answer(r, upgrade: "h2c"),
            "no Connection" => r => Answer(r, connection: null),
            "wrong Sec-WebSocket-Accept" => r => Answer(r, accept: "bm90IHRoZSByaWdodCB2YWx1ZQ=="),
            "accept of another key" => r => Answer(r, accept: RawServerPeer.Accept("dGhlIHNhbXBsZSBub25jZQ==")),
            "subprotocol not offered" => r => Answer(r, extra: "Sec-WebSocket-Protocol: chat"),
            "extension not offered" => r => Answer(r, extra: "Sec-WebSocket-Extensions: x-webkit-deflate-frame"),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };

        var error = await _peer.HandshakeFailsAsync(answer);

        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>RFC 6455 §4.1 item 6: a subprotocol not among those offered is refused even when others were offered.</summary>
    [Fact]
    public async Task SubprotocolOtherThanOffered_FailsTheHandshake()
    {
        var options = RawServerPeer.Options();
        options.Subprotocols = ["pulse.v1"];

        var error = await _peer.HandshakeFailsAsync(r => Answer(r, extra: "Sec-WebSocket-Protocol: pulse.v2"), options);

        Assert.Contains("pulse.v2", error.Message, StringComparison.Ordinal);
    }

    /// <summary>RFC 7692 §5: permessage-deflate in the answer when the client did not offer it is refused.</summary>
    [Fact]
    public async Task DeflateNotOffered_FailsTheHandshake()
    {
        var error = await _peer.HandshakeFailsAsync(r => Answer(r, extra: "Sec-WebSocket-Extensions: permessage-deflate"));

        Assert.Contains("permessage-deflate", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// RFC 7692 §7.1: the client fails the connection when the answer has an unknown parameter, an invalid value,
    /// a repeated parameter, a window larger than offered (§7.1.2.1), or accepts the extension twice (§5).
    /// </summary>
    [Theory]
    [InlineData("permessage-deflate; server_max_window_bits=12; x_unknown")]
    [InlineData("permessage-deflate; server_max_window_bits=7")]
    [InlineData("permessage-deflate; server_max_window_bits=16")]
    [InlineData("permessage-deflate; server_max_window_bits=abc")]
    [InlineData("permessage-deflate; server_max_window_bits=12; server_max_window_bits=12")]
    [InlineData("permessage-deflate; server_max_window_bits=15")]
    [InlineData("permessage-deflate; server_max_window_bits=12; server_no_context_takeover=1")]
    [InlineData("permessage-deflate; server_max_window_bits=12, permessage-deflate; server_max_window_bits=12")]
    public async Task BadDeflateParameters_FailTheHandshake(string extensions)
    {
        var error = await _peer.HandshakeFailsAsync(r => Answer(r, extra: $"Sec-WebSocket-Extensions: {extensions}"), RawServerPeer.Options(compression: true));

        Assert.Contains("permessage-deflate", error.Message, StringComparison.Ordinal);
    }
}
