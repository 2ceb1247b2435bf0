using Pulse.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>RFC 6455 §4.1: "If the server's response does not conform to the requirements for the server's handshake ..., the client MUST _Fail the WebSocket Connection_."</summary>
public class Rfc6455_4_1_ClientResponseTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string Accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static readonly ClientHandshake s_client = new(new Uri("ws://server.example.com/chat"), subprotocols: ["chat", "superchat"], key: Key);

    [Fact]
    public void Validate_Rfc6455Example_Accepted()
    {
        var result = s_client.Validate(Response());

        Assert.True(result.Accepted);
        Assert.Null(result.Error);
        Assert.Null(result.Subprotocol);
        Assert.Empty(result.Extensions);
    }

    [Theory]
    [InlineData("chat")]
    [InlineData("superchat")]
    public void Validate_OfferedSubprotocol_Accepted(string subprotocol)
    {
        var result = s_client.Validate(Response(add: [("Sec-WebSocket-Protocol", subprotocol)]));

        Assert.True(result.Accepted);
        Assert.Equal(subprotocol, result.Subprotocol);
    }

    [Theory]
    [InlineData("Upgrade", "WebSocket")]
    [InlineData("Connection", "upgrade")]
    [InlineData("Connection", "keep-alive, Upgrade")]
    public void Validate_TokensInAnyCase_Accepted(string name, string value)
    {
        Assert.True(s_client.Validate(Response(omit: name, add: [(name, value)])).Accepted);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(403)]
    [InlineData(426)]
    public void Validate_Not101_RejectedWithStatus(int status)
    {
        var result = s_client.Validate(HandshakeResponse.Text(status, "no\n"));

        Assert.False(result.Accepted);
        Assert.Equal($"server rejected WebSocket connection: HTTP {status}", result.Error);
    }

    private static readonly Dictionary<string, (string Omit, (string, string)[] Add, string Error)> s_failures = new()
    {
        ["no Upgrade"] = ("Upgrade", [], "missing Upgrade header"),
        ["Upgrade: h2c"] = ("Upgrade", [("Upgrade", "h2c")], "invalid Upgrade header; expected websocket"),
        ["no Connection"] = ("Connection", [], "missing Connection header"),
        ["Connection: close"] = ("Connection", [("Connection", "close")], "invalid Connection header; expected upgrade"),
        ["no accept"] = ("Sec-WebSocket-Accept", [], "missing Sec-WebSocket-Accept header"),
        ["tampered accept"] = ("Sec-WebSocket-Accept", [("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOp=")], "invalid Sec-WebSocket-Accept header; it does not match the key sent"),
        ["accept of another key"] = ("Sec-WebSocket-Accept", [("Sec-WebSocket-Accept", WebSocketAccept.Compute("AAAAAAAAAAAAAAAAAAAAAA=="))], "invalid Sec-WebSocket-Accept header; it does not match the key sent"),
        ["accept in other case"] = ("Sec-WebSocket-Accept", [("Sec-WebSocket-Accept", Accept.ToLowerInvariant())], "invalid Sec-WebSocket-Accept header; it does not match the key sent"),
        ["two accepts"] = ("", [("Sec-WebSocket-Accept", Accept)], "more than one Sec-WebSocket-Accept header"),
        ["unoffered extension"] = ("", [("Sec-WebSocket-Extensions", "permessage-deflate")], "server accepted extension permessage-deflate, which was not offered"),
        ["malformed extensions"] = ("", [("Sec-WebSocket-Extensions", "a;;b")], "invalid Sec-WebSocket-Extensions header: expected a parameter name after ';' in the a extension"),
        ["unoffered subprotocol"] = ("", [("Sec-WebSocket-Protocol", "xmpp")], "server chose subprotocol xmpp, which was not offered"),
        ["subprotocol in other case"] = ("", [("Sec-WebSocket-Protocol", "Chat")], "server chose subprotocol Chat, which was not offered"),
        ["two subprotocols in a list"] = ("", [("Sec-WebSocket-Protocol", "chat, superchat")], "server chose more than one subprotocol"),
        ["two subprotocol lines"] = ("", [("Sec-WebSocket-Protocol", "chat"), ("Sec-WebSocket-Protocol", "chat")], "server chose more than one subprotocol"),
    };

    public static TheoryData<string> Failures => [.. s_failures.Keys];

    [Theory]
    [MemberData(nameof(Failures))]
    public void Validate_NonConformingResponse_FailsWithReason(string @case)
    {
        var (omit, add, error) = s_failures[@case];

        var result = s_client.Validate(Response(omit, add));

        Assert.False(result.Accepted);
        Assert.Null(result.Subprotocol);
        Assert.Empty(result.Extensions);
        Assert.Equal(error, result.Error);
    }

    [Fact]
    public void Validate_SubprotocolWhenNoneOffered_Fails()
    {
        var client = new ClientHandshake(new Uri("ws://server.example.com/chat"), key: Key);

        var result = client.Validate(Response(add: [("Sec-WebSocket-Protocol", "chat")]));

        Assert.Equal("server chose subprotocol chat, which was not offered", result.Error);
    }

    // The response of RFC 6455 §1.3.
    private static HandshakeResponse Response(string omit = "", (string Name, string Value)[]? add = null)
    {
        (string Name, string Value)[] fields = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", Accept)];
        var headers = new HeaderFields();
        foreach (var (name, value) in fields.Where(f => f.Name != omit).Concat(add ?? []))
        {
            headers.Add(name, value);
        }

        return new HandshakeResponse(101, "Switching Protocols", headers);
    }
}
