using Pulse.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>
/// RFC 7692 §5.1 and §7.1, the server's side: it accepts at most one permessage-deflate offer, the first it supports,
/// and "MUST decline an extension negotiation offer for this extension if ... the negotiation offer contains an
/// extension parameter not defined for use in an offer / ... an extension parameter with an invalid value / ...
/// multiple extension parameters with the same name"; a declined offer leaves the connection uncompressed.
/// </summary>
public class Rfc7692_7_1_ServerNegotiationTests
{
    // Everything allowed, nothing forced: the answer shows only what the offer asked.
    private static CompressionOptions Open() => new()
    {
        ServerMaxWindowBits = 15,
        ClientMaxWindowBits = 15,
        ServerNoContextTakeover = false,
        ClientNoContextTakeover = false,
    };

    public static readonly TheoryData<string, string, string?> OpenCases = new()
    {
        // case name, offer, expected answer (null: declined)
        { "no parameters", "permessage-deflate", "permessage-deflate" },
        { "name in another case", "PerMessage-Deflate", "permessage-deflate" },
        { "server_no_context_takeover", "permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover" },
        { "client_no_context_takeover", "permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover" },
        { "server_max_window_bits=10", "permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=10" },
        { "server_max_window_bits=8", "permessage-deflate; server_max_window_bits=8", "permessage-deflate; server_max_window_bits=8" },
        { "server_max_window_bits=15", "permessage-deflate; server_max_window_bits=15", "permessage-deflate" },
        { "server_max_window_bits quoted", "permessage-deflate; server_max_window_bits=\"12\"", "permessage-deflate; server_max_window_bits=12" },
        { "client_max_window_bits without a value", "permessage-deflate; client_max_window_bits", "permessage-deflate" },
        { "client_max_window_bits=9", "permessage-deflate; client_max_window_bits=9", "permessage-deflate; client_max_window_bits=9" },
        { "client_max_window_bits=8", "permessage-deflate; client_max_window_bits=8", "permessage-deflate; client_max_window_bits=8" },
        { "parameter names in another case", "permessage-deflate; Server_No_Context_Takeover", "permessage-deflate; server_no_context_takeover" },
        {
            "all four", "permessage-deflate; client_max_window_bits=10; server_max_window_bits=11; client_no_context_takeover; server_no_context_takeover",
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=10"
        },

        // Declined: §7.1.
        { "server_max_window_bits without a value", "permessage-deflate; server_max_window_bits", null },
        { "server_max_window_bits=7", "permessage-deflate; server_max_window_bits=7", null },
        { "server_max_window_bits=16", "permessage-deflate; server_max_window_bits=16", null },
        { "server_max_window_bits=0", "permessage-deflate; server_max_window_bits=0", null },
        { "server_max_window_bits with a leading zero", "permessage-deflate; server_max_window_bits=010", null },
        { "server_max_window_bits not a number", "permessage-deflate; server_max_window_bits=ten", null },
        { "server_max_window_bits negative", "permessage-deflate; server_max_window_bits=-9", null },
        { "client_max_window_bits=7", "permessage-deflate; client_max_window_bits=7", null },
        { "client_max_window_bits=16", "permessage-deflate; client_max_window_bits=16", null },
        { "client_max_window_bits with a leading zero", "permessage-deflate; client_max_window_bits=09", null },
        { "server_no_context_takeover with a value", "permessage-deflate; server_no_context_takeover=1", null },
        { "client_no_context_takeover with a value", "permessage-deflate; client_no_context_takeover=true", null },
        { "unknown parameter", "permessage-deflate; mem_level=4", null },
        { "unknown parameter beside known ones", "permessage-deflate; client_max_window_bits; x", null },
        { "server_no_context_takeover twice", "permessage-deflate; server_no_context_takeover; server_no_context_takeover", null },
        { "client_no_context_takeover twice", "permessage-deflate; client_no_context_takeover; client_no_context_takeover", null },
        { "server_max_window_bits twice", "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10", null },
        { "client_max_window_bits twice, with and without a value", "permessage-deflate; client_max_window_bits; client_max_window_bits=10", null },
        { "another extension only", "x-webkit-deflate-frame", null },
        { "no offer", "", null },

        // Several offers: the first acceptable one, in the client's order (§5.1).
        { "first acceptable of two", "permessage-deflate; server_max_window_bits=10, permessage-deflate", "permessage-deflate; server_max_window_bits=10" },
        { "second after a declined first", "permessage-deflate; foo, permessage-deflate; server_max_window_bits=11", "permessage-deflate; server_max_window_bits=11" },
        { "after another extension", "x-webkit-deflate-frame, permessage-deflate; client_max_window_bits", "permessage-deflate" },
        { "every offer declined", "permessage-deflate; server_max_window_bits=7, permessage-deflate; client_max_window_bits=77", null },
    };

    public static readonly TheoryData<string, string, string?> DefaultCases = new()
    {
        // The defaults: server window 12, client window 12, server_no_context_takeover always.
        { "browser offer", "permessage-deflate; client_max_window_bits", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12" },
        { "smaller windows asked", "permessage-deflate; client_max_window_bits=10; server_max_window_bits=9", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=10" },
        { "larger windows asked", "permessage-deflate; client_max_window_bits=15; server_max_window_bits=14", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12" },
        { "client_no_context_takeover offered is kept", "permessage-deflate; client_no_context_takeover; client_max_window_bits", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12" },

        // §7.1.2.2: without client_max_window_bits the client's window cannot be limited, and need not be: with
        // client_no_context_takeover (§7.1.1.2, set by default) a 15-bit window is held only while a message inflates.
        { "no client_max_window_bits (Firefox)", "permessage-deflate", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12" },
        { "no client_max_window_bits, then an offer with it", "permessage-deflate, permessage-deflate; client_max_window_bits", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12" },
    };

    [Theory]
    [MemberData(nameof(OpenCases))]
    public void Negotiate_WithEverythingAllowed(string name, string offer, string? expected) =>
        AssertNegotiates(name, offer, Open(), expected);

    [Theory]
    [MemberData(nameof(DefaultCases))]
    public void Negotiate_WithTheDefaults(string name, string offer, string? expected) =>
        AssertNegotiates(name, offer, new CompressionOptions(), expected);

    [Fact]
    public void Negotiate_Disabled_DeclinesEverything()
    {
        Assert.True(ExtensionOffer.TryParse(["permessage-deflate; client_max_window_bits"], out var offers, out _));

        Assert.Null(PerMessageDeflateNegotiation.Negotiate(offers, new CompressionOptions { Enabled = false }));
    }

    [Fact]
    public void Negotiate_ClientNoContextTakeoverSet_IsAskedOfEveryClient()
    {
        var options = Open();
        options.ClientNoContextTakeover = true;

        AssertNegotiates("client_no_context_takeover set", "permessage-deflate", options, "permessage-deflate; client_no_context_takeover");
    }

    [Fact]
    public void TryAcceptOffer_SaysWhyItDeclines()
    {
        Assert.True(ExtensionOffer.TryParse(["permessage-deflate; server_max_window_bits=16"], out var offers, out _));

        Assert.False(PerMessageDeflateNegotiation.TryAcceptOffer(offers[0], Open(), out var agreed, out var reason));

        Assert.Null(agreed);
        Assert.Equal("server_max_window_bits must be a number from 8 to 15, not '16'", reason);
    }

    [Fact]
    public void Accept_NegotiatedCompression_IsInTheResponseAndTheResult()
    {
        var server = new ServerHandshake(null, [], new CompressionOptions());

        var result = server.Accept(Request(("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")));

        Assert.True(result.Accepted);
        Assert.Equal("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12", result.Response.Headers["Sec-WebSocket-Extensions"]);
        Assert.Equal(new PerMessageDeflateParameters(true, true, 12, 12), result.Compression);
    }

    [Theory]
    [InlineData("permessage-deflate; server_max_window_bits=99")]
    [InlineData("permessage-deflate; unknown")]
    [InlineData("x-other")]
    public void Accept_DeclinedOffer_ConnectsUncompressed(string offer)
    {
        var server = new ServerHandshake(null, [], new CompressionOptions());

        var result = server.Accept(Request(("Sec-WebSocket-Extensions", offer)));

        Assert.True(result.Accepted);
        Assert.False(result.Response.Headers.Contains("Sec-WebSocket-Extensions"));
        Assert.Null(result.Compression);
    }

    [Fact]
    public void Accept_WithoutCompressionOptions_AcceptsNoExtension()
    {
        var result = new ServerHandshake(null, []).Accept(Request(("Sec-WebSocket-Extensions", "permessage-deflate")));

        Assert.Null(result.Compression);
        Assert.False(result.Response.Headers.Contains("Sec-WebSocket-Extensions"));
    }

    private static void AssertNegotiates(string name, string offer, CompressionOptions options, string? expected)
    {
        Assert.True(ExtensionOffer.TryParse([offer], out var offers, out _), name);

        var agreed = PerMessageDeflateNegotiation.Negotiate(offers, options);

        Assert.Equal(expected, agreed?.ToString());
    }

    private static HandshakeRequest Request(params (string Name, string Value)[] add)
    {
        var headers = new HeaderFields();
        headers.Add("Host", "server.example.com");
        headers.Add("Upgrade", "websocket");
        headers.Add("Connection", "Upgrade");
        headers.Add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        headers.Add("Sec-WebSocket-Version", "13");
        foreach (var (name, value) in add)
        {
            headers.Add(name, value);
        }

        return new HandshakeRequest("GET", "/chat", headers);
    }
}
