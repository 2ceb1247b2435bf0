using Pulse.Testing;

namespace Pulse.InteropTests;

/// <summary>
/// Headless Chromium and Firefox, peers nobody here wrote, talk to <c>pulse serve</c>: compressed when both sides
/// want it (issues 3 and 14). tests/peers/browser_echo.mjs sends a text and a binary message from a blank page and
/// reports <c>WebSocket.extensions</c>.
/// </summary>
[Trait("Category", "Interop")]
public sealed class BrowserInteropTests
{
    public static TheoryData<string, bool, string> Cases => new()
    {
        // browser, compression on in pulse serve, WebSocket.extensions
        { Browsers.Chromium, true, "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12" },
        { Browsers.Chromium, false, "" },

        // Firefox reports the extension's name only, whatever its parameters.
        { Browsers.Firefox, true, "permessage-deflate" },
        { Browsers.Firefox, false, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Browser_EchoesThroughPulseServe_NegotiatingPermessageDeflateWhenEnabled(string browser, bool compression, string extensions)
    {
        await using var server = await PulseServerFixture.StartAsync(o => o.Compression = compression);

        var result = await BrowserEcho.RunAsync(browser, new Uri(server.BaseUri, "echo"));

        Assert.Equal(extensions, result.Extensions);
    }
}
