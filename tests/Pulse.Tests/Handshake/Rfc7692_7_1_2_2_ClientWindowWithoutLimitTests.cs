using Pulse.Protocol;
using Pulse.Tests.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>
/// RFC 7692 §7.1.2.2 with §7.1.1.2, the server's side: an offer without <c>client_max_window_bits</c> does not let
/// the server limit the client's window ("the server MUST NOT include the client_max_window_bits extension
/// parameter" in its answer), so the client may compress with 15 bits. A server may still add
/// <c>client_no_context_takeover</c> to any answer, and then its decompressor starts afresh for every message and
/// holds nothing while the connection is idle: every such offer is accepted (Python websockets' issue 1109).
/// </summary>
public class Rfc7692_7_1_2_2_ClientWindowWithoutLimitTests
{
    public static readonly TheoryData<string, string, string> RealOffersWithTheDefaults = new()
    {
        // who offers it, the offer, Pulse's answer with the default options (12-bit windows, no context takeover)
        { "Firefox", "permessage-deflate", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12" },
        { "server_no_context_takeover", "permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12" },
        { "client_no_context_takeover", "permessage-deflate; client_no_context_takeover", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12" },
        { "both no_context_takeover", "permessage-deflate; server_no_context_takeover; client_no_context_takeover", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12" },
        { "server_max_window_bits=10", "permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10" },

        // With client_max_window_bits the client's window is limited as before (§7.1.2.2).
        { "Chromium, Python websockets, Node ws", "permessage-deflate; client_max_window_bits", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12" },
    };

    /// <summary>Offers without client_max_window_bits, to try against every setting of the options.</summary>
    public static readonly TheoryData<string> OffersWithoutClientMaxWindowBits =
    [
        "permessage-deflate",
        "permessage-deflate; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=10",
        "permessage-deflate; server_max_window_bits=8; client_no_context_takeover",
    ];

    [Theory]
    [MemberData(nameof(RealOffersWithTheDefaults))]
    public void Negotiate_WithTheDefaults_AcceptsTheOffer(string who, string offer, string expected)
    {
        Assert.True(ExtensionOffer.TryParse([offer], out var offers, out _), who);

        var agreed = PerMessageDeflateNegotiation.Negotiate(offers, new CompressionOptions());

        Assert.Equal(expected, agreed?.ToString());
    }

    [Theory]
    [MemberData(nameof(OffersWithoutClientMaxWindowBits))]
    public void Negotiate_AnySettings_AnswerHasNoClientMaxWindowBits_AndDeclinesOnlyAWindowKeptForLife(string offer)
    {
        Assert.True(ExtensionOffer.TryParse([offer], out var offers, out _));
        var offeredNoContextTakeover = offer.Contains(PerMessageDeflateNegotiation.ClientNoContextTakeover, StringComparison.Ordinal);
        foreach (var clientBits in new[] { 8, 9, 12, 14, 15 })
        {
            foreach (var clientNoContextTakeover in new[] { true, false })
            {
                foreach (var serverNoContextTakeover in new[] { true, false })
                {
                    var options = new CompressionOptions
                    {
                        ClientMaxWindowBits = clientBits,
                        ClientNoContextTakeover = clientNoContextTakeover,
                        ServerNoContextTakeover = serverNoContextTakeover,
                    };
                    var setting = $"{offer} with ClientMaxWindowBits={clientBits}, ClientNoContextTakeover={clientNoContextTakeover}, ServerNoContextTakeover={serverNoContextTakeover}";

                    var accepted = PerMessageDeflateNegotiation.TryAcceptOffer(offers[0], options, out var agreed, out var reason);

                    // Declined only when the decompressor would keep a window larger than the options allow for the
                    // connection's life.
                    var mustDecline = clientBits < 15 && !clientNoContextTakeover && !offeredNoContextTakeover;
                    Assert.True(accepted != mustDecline, $"{setting}: {(accepted ? "accepted" : reason)}");
                    if (accepted)
                    {
                        Assert.NotNull(agreed);
                        Assert.Equal(15, agreed.ClientMaxWindowBits);
                        Assert.DoesNotContain(PerMessageDeflateNegotiation.ClientMaxWindowBitsName, agreed.ToString(), StringComparison.Ordinal);
                        Assert.True(clientBits == 15 || agreed.ClientNoContextTakeover, $"{setting}: a 15-bit client window kept for life");
                    }
                }
            }
        }
    }

    [Fact]
    public void TryAcceptOffer_ClientContextKeptAndWindowLimited_SaysWhyItDeclines()
    {
        Assert.True(ExtensionOffer.TryParse(["permessage-deflate"], out var offers, out _));
        var options = new CompressionOptions { ClientNoContextTakeover = false };

        Assert.False(PerMessageDeflateNegotiation.TryAcceptOffer(offers[0], options, out var agreed, out var reason));

        Assert.Null(agreed);
        Assert.Equal(
            "the offer has neither client_max_window_bits nor client_no_context_takeover, and with the client's context kept the decompressor would hold a 15-bit window for the connection's life, not 12 bits",
            reason);
    }

    [Fact]
    public void Negotiate_ClientContextKept_ButTheClientOffersNoContextTakeover_IsAccepted()
    {
        Assert.True(ExtensionOffer.TryParse(["permessage-deflate; client_no_context_takeover"], out var offers, out _));

        var agreed = PerMessageDeflateNegotiation.Negotiate(offers, new CompressionOptions { ClientNoContextTakeover = false, ServerNoContextTakeover = false });

        Assert.Equal("permessage-deflate; client_no_context_takeover; server_max_window_bits=12", agreed?.ToString());
    }

    [Fact]
    public void Receive_FifteenBitClientWindow_InflatesFarBackReferences_AndHoldsNoInflaterBetweenMessages()
    {
        Assert.True(ExtensionOffer.TryParse(["permessage-deflate"], out var offers, out _));
        var agreed = PerMessageDeflateNegotiation.Negotiate(offers, new CompressionOptions());
        Assert.NotNull(agreed);
        var server = new ProtocolHarness(Role.Server, compression: agreed);
        Assert.Equal(15, server.Protocol.Deflate!.InflateWindowBits);

        for (var i = 0; i < 3; i++)
        {
            var (payload, compressed) = FarBackMessage(seed: i);

            var message = Assert.Single(ProtocolDeflateAssert.Messages(server.Feed(RawFrame.To(Role.Server, Opcode.Binary, compressed, rsv: 0x40))));

            Assert.Equal(payload, message);
            Assert.False(server.Protocol.Deflate.HoldsInflater, $"an inflater is held after message {i + 1}");
        }
    }

    [Fact]
    public void Receive_FarBackReferences_NeedTheFifteenBitWindow()
    {
        // The control for the test above: the same message read with a 12-bit window is corrupt data to it.
        var server = new ProtocolHarness(Role.Server, compression: new PerMessageDeflateParameters(true, true, 12, 12));
        var (_, compressed) = FarBackMessage(seed: 0);

        var e = server.Feed(RawFrame.To(Role.Server, Opcode.Binary, compressed, rsv: 0x40))[^1];

        ProtocolAssert.Failed(server, e, CloseCode.InvalidPayloadData);
    }

    // 24 KiB that do not compress, twice: the second copy is one long reference 24 KiB back, which only a window of
    // 15 bits (32 KiB) reaches. Compressed by .NET's DEFLATE (zlib, 15 bits), as a browser's compressor would.
    private static (byte[] Payload, byte[] Compressed) FarBackMessage(int seed)
    {
        var block = Deflate.Random(24 * 1024, seed);
        byte[] payload = [.. block, .. block];
        var compressed = Deflate.CompressIndependently(payload);
        Assert.True(compressed.Length < payload.Length * 6 / 10, $"the second copy was not compressed as a reference: {compressed.Length} of {payload.Length} bytes");
        return (payload, compressed);
    }
}
