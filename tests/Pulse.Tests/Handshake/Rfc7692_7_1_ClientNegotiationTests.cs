using Pulse.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>
/// RFC 7692 §5 and §7.1, the client's side: the offer says what the client allows, and "if a received extension
/// negotiation response ... has an extension parameter with an invalid value, ... multiple extension parameters
/// with the same name, ... [or] an extension parameter not defined for use in a response", or a window larger than
/// the offer allows, "the client MUST _Fail the WebSocket Connection_".
/// </summary>
public class Rfc7692_7_1_ClientNegotiationTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string Accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static CompressionOptions Open() => new()
    {
        ServerMaxWindowBits = 15,
        ClientMaxWindowBits = 15,
        ServerNoContextTakeover = false,
        ClientNoContextTakeover = false,
    };

    [Fact]
    public void CreateOffer_Defaults()
    {
        var offer = PerMessageDeflateNegotiation.CreateOffer(new CompressionOptions());

        Assert.Equal("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12", ExtensionOffer.Format([offer!]));
    }

    [Fact]
    public void CreateOffer_EverythingAllowed_OffersClientMaxWindowBitsWithoutAValue()
    {
        var offer = PerMessageDeflateNegotiation.CreateOffer(Open());

        Assert.Equal("permessage-deflate; client_max_window_bits", ExtensionOffer.Format([offer!]));
    }

    [Fact]
    public void CreateOffer_EveryParameter()
    {
        var options = new CompressionOptions { ServerMaxWindowBits = 9, ClientMaxWindowBits = 8, ServerNoContextTakeover = true, ClientNoContextTakeover = true };

        var offer = PerMessageDeflateNegotiation.CreateOffer(options);

        Assert.Equal("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=8", ExtensionOffer.Format([offer!]));
    }

    [Fact]
    public void CreateOffer_Disabled_IsNull() =>
        Assert.Null(PerMessageDeflateNegotiation.CreateOffer(new CompressionOptions { Enabled = false }));

    public static readonly TheoryData<string, bool, string, PerMessageDeflateParameters?> Responses = new()
    {
        // case name, offer made with the defaults (true) or everything allowed (false), response, agreed (null: fail)
        { "defaults echoed", true, "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12", new(true, true, 12, 12) },
        { "smaller server window", true, "permessage-deflate; server_no_context_takeover; server_max_window_bits=9", new(true, true, 9, 12) },
        { "no client_max_window_bits keeps the offered 12", true, "permessage-deflate; server_no_context_takeover; server_max_window_bits=12", new(true, true, 12, 12) },
        { "smaller client window", true, "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=10", new(true, true, 12, 10) },
        { "client_no_context_takeover asked", true, "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12", new(true, true, 12, 12) },
        { "plain", false, "permessage-deflate", new(false, false, 15, 15) },
        { "server limits itself unasked", false, "permessage-deflate; server_max_window_bits=10", new(false, false, 10, 15) },
        { "server limits the client", false, "permessage-deflate; client_max_window_bits=9", new(false, false, 15, 9) },
        { "server_no_context_takeover unasked", false, "permessage-deflate; server_no_context_takeover", new(true, false, 15, 15) },
        { "server_max_window_bits=8", false, "permessage-deflate; server_max_window_bits=8", new(false, false, 8, 15) },

        // Failures.
        { "requested server_no_context_takeover missing", true, "permessage-deflate; server_max_window_bits=12", null },
        { "requested server_max_window_bits missing", true, "permessage-deflate; server_no_context_takeover", null },
        { "server window larger than offered", true, "permessage-deflate; server_no_context_takeover; server_max_window_bits=13", null },
        { "client window larger than offered", true, "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=13", null },
        { "client_max_window_bits without a value", false, "permessage-deflate; client_max_window_bits", null },
        { "server_max_window_bits without a value", false, "permessage-deflate; server_max_window_bits", null },
        { "server_max_window_bits=16", false, "permessage-deflate; server_max_window_bits=16", null },
        { "client_max_window_bits=7", false, "permessage-deflate; client_max_window_bits=7", null },
        { "leading zero", false, "permessage-deflate; server_max_window_bits=09", null },
        { "value on server_no_context_takeover", false, "permessage-deflate; server_no_context_takeover=yes", null },
        { "unknown parameter", false, "permessage-deflate; x", null },
        { "duplicate parameter", false, "permessage-deflate; server_no_context_takeover; server_no_context_takeover", null },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public void TryAcceptResponse(string name, bool defaults, string response, PerMessageDeflateParameters? expected)
    {
        Assert.True(ExtensionOffer.TryParse([response], out var answers, out _), name);

        var accepted = PerMessageDeflateNegotiation.TryAcceptResponse(answers[0], defaults ? new CompressionOptions() : Open(), out var agreed, out var error);

        Assert.Equal(expected is not null, accepted);
        Assert.Equal(expected, agreed);
        Assert.Equal(expected is null, error is not null);
    }

    [Fact]
    public void Request_CarriesTheOffer()
    {
        var client = new ClientHandshake(new Uri("ws://server.example.com/chat"), compression: new CompressionOptions());

        Assert.Equal("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12", client.Request.Headers["Sec-WebSocket-Extensions"]);
    }

    [Fact]
    public void Request_CompressionDisabled_OffersNothing()
    {
        var client = new ClientHandshake(new Uri("ws://server.example.com/chat"), compression: new CompressionOptions { Enabled = false });

        Assert.False(client.Request.Headers.Contains("Sec-WebSocket-Extensions"));
    }

    [Fact]
    public void Validate_AcceptedCompression_IsInTheResult()
    {
        var client = new ClientHandshake(new Uri("ws://server.example.com/chat"), key: Key, compression: Open());

        var result = client.Validate(Response("permessage-deflate; server_max_window_bits=11"));

        Assert.True(result.Accepted, result.Error);
        Assert.Equal(new PerMessageDeflateParameters(ServerMaxWindowBits: 11), result.Compression);
    }

    [Fact]
    public void Validate_NoExtensionInTheResponse_IsUncompressed()
    {
        var client = new ClientHandshake(new Uri("ws://server.example.com/chat"), key: Key, compression: Open());

        var result = client.Validate(Response(null));

        Assert.True(result.Accepted);
        Assert.Null(result.Compression);
    }

    [Theory]
    [InlineData("permessage-deflate; server_max_window_bits=16", "invalid permessage-deflate response: server_max_window_bits must be a number from 8 to 15, not '16'")]
    [InlineData("permessage-deflate, permessage-deflate", "server accepted permessage-deflate more than once")]
    [InlineData("x-webkit-deflate-frame", "server accepted extension x-webkit-deflate-frame, which was not offered")]
    public void Validate_BadAnswer_Fails(string extensions, string error)
    {
        var client = new ClientHandshake(new Uri("ws://server.example.com/chat"), key: Key, compression: Open());

        var result = client.Validate(Response(extensions));

        Assert.False(result.Accepted);
        Assert.Equal(error, result.Error);
    }

    [Fact]
    public void Validate_CompressionNotOffered_AnyExtensionFails()
    {
        var client = new ClientHandshake(new Uri("ws://server.example.com/chat"), key: Key);

        var result = client.Validate(Response("permessage-deflate"));

        Assert.False(result.Accepted);
        Assert.Equal("server accepted extension permessage-deflate, which was not offered", result.Error);
    }

    private static HandshakeResponse Response(string? extensions)
    {
        var headers = new HeaderFields();
        headers.Add("Upgrade", "websocket");
        headers.Add("Connection", "Upgrade");
        headers.Add("Sec-WebSocket-Accept", Accept);
        if (extensions is not null)
        {
            headers.Add("Sec-WebSocket-Extensions", extensions);
        }

        return new HandshakeResponse(101, "Switching Protocols", headers);
    }
}
