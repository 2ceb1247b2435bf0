using System.Collections.Concurrent;
using Pulse.Testing;

namespace Pulse.InteropTests;

/// <summary>
/// Issue 14: the permessage-deflate offers real clients make, each accepted by a Pulse server with its default
/// options (RFC 7692 §7.1; Python websockets had the bug of declining them, its issue 1109). Firefox and Chromium
/// make their own offers; Python websockets and Node ws make each offer with their own negotiation code (set up
/// through PEER_COMPRESSION), which also checks Pulse's answer against it. The server records the offer it read
/// and what it agreed; a relay counts the bytes on the wire, which shows the messages went compressed both ways.
/// </summary>
[Trait("Category", "Interop")]
public sealed class DeflateOfferInteropTests
{
    private const string Answer = "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12";

    private static readonly (string Offer, string Answer)[] s_offers =
    [
        ("permessage-deflate", Answer),
        ("permessage-deflate; server_no_context_takeover", Answer),
        ("permessage-deflate; client_no_context_takeover", Answer),
        ("permessage-deflate; server_no_context_takeover; client_no_context_takeover", Answer),
        ("permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10"),

        // The libraries' default offer: with client_max_window_bits the server limits the client's window too.
        ("permessage-deflate; client_max_window_bits", Answer + "; client_max_window_bits=12"),
    ];

    public static TheoryData<string, string, string> LibraryOffers
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var peer in new[] { "python", "node" })
            {
                foreach (var (offer, answer) in s_offers)
                {
                    data.Add(peer, offer, answer);
                }
            }

            return data;
        }
    }

    public static TheoryData<string, string, string, string> BrowserOffers => new()
    {
        // browser, its offer, Pulse's answer, WebSocket.extensions (Firefox shows the name only)
        { Browsers.Firefox, "permessage-deflate", Answer, "permessage-deflate" },
        { Browsers.Chromium, "permessage-deflate; client_max_window_bits", Answer + "; client_max_window_bits=12", Answer + "; client_max_window_bits=12" },
    };

    [Theory]
    [MemberData(nameof(LibraryOffers))]
    public async Task Library_Offer_IsAccepted_AndMessagesGoCompressedBothWays(string peer, string offer, string answer)
    {
        await using var server = await RecordingEchoServer.StartAsync();
        await using var relay = new CountingRelay(server.Port);
        var (program, script, require) = peer == "python"
            ? (Peers.Python, "python_echo_client.py", (Action)Peers.RequirePythonWebsockets)
            : (Peers.Node, "node_echo_client.mjs", Peers.RequireNodeWs);
        require();

        var run = await Peers.RunToEndAsync("/usr/bin/env", [$"PEER_COMPRESSION={offer}", program, Peers.Script(script), relay.Uri("/echo").ToString(), "text:100000", "binary:70000", "text:100000/7"], TimeSpan.FromSeconds(90));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"extensions {answer}", run.Lines[0]);
        Assert.Equal("ok 3", run.Lines[^1]);
        var connection = Assert.Single(server.Connections);
        Assert.Equal(offer, connection.Offer);
        Assert.Equal(answer, connection.Agreed);
        AssertCompressedBothWays(relay, payloadBytesEachWay: 270_000);
    }

    [Theory]
    [MemberData(nameof(BrowserOffers))]
    public async Task Browser_OwnOffer_IsAccepted_AndMessagesGoCompressedBothWays(string browser, string offer, string answer, string extensions)
    {
        await using var server = await RecordingEchoServer.StartAsync();
        await using var relay = new CountingRelay(server.Port);

        var result = await BrowserEcho.RunAsync(browser, relay.Uri("/echo"));

        Assert.Equal(extensions, result.Extensions);
        var connection = Assert.Single(server.Connections);
        Assert.Equal(offer, connection.Offer);
        Assert.Equal(answer, connection.Agreed);

        // browser_echo.mjs sends a 50,000-byte binary message and a longer text, both of repeating patterns.
        AssertCompressedBothWays(relay, payloadBytesEachWay: 50_000);
    }

    // Compressed, the repeating payloads shrink to a few KiB; sent as they are, they (and the handshakes) would
    // pass the relay in full.
    private static void AssertCompressedBothWays(CountingRelay relay, int payloadBytesEachWay)
    {
        Assert.True(relay.BytesToServer < payloadBytesEachWay / 2, $"{relay.BytesToServer:N0} bytes to the server for {payloadBytesEachWay:N0} of payload: not compressed");
        Assert.True(relay.BytesToClient < payloadBytesEachWay / 2, $"{relay.BytesToClient:N0} bytes to the client for {payloadBytesEachWay:N0} of payload: not compressed");
    }

    /// <summary>An echo server with Pulse's default options that records, per connection, the offer it read and what it agreed.</summary>
    private sealed class RecordingEchoServer : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(string? Offer, string? Agreed)> _connections = new();
        private LoopbackServer? _server;

        public int Port => _server!.Port;

        public IReadOnlyList<(string? Offer, string? Agreed)> Connections => [.. _connections];

        public static async Task<RecordingEchoServer> StartAsync()
        {
            var recorder = new RecordingEchoServer();
            recorder._server = await LoopbackServer.StartAsync(async ws =>
            {
                recorder._connections.Enqueue((ws.RequestHeaders["Sec-WebSocket-Extensions"], ws.Compression?.ToString()));
                await foreach (var message in ws)
                {
                    await ws.SendAsync(message);
                }
            });
            return recorder;
        }

        public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
