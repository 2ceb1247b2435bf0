using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pulse.IntegrationTests.Browser;
using Pulse.Testing;

namespace Pulse.IntegrationTests.WaysIn;

/// <summary>
/// Issue 14 §2, the finding as a user meets it: an HTTPS app with Kestrel's default protocols and
/// <c>MapWebSocket</c>; Chromium loads the page over HTTP/2 and opens the WebSocket from it with an extended
/// CONNECT. It must echo, compress and close cleanly, with and without the fast path on the listener.
/// </summary>
[Trait("Category", "Browser")]
public sealed class Http2BrowserTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chromium_PageOverHttp2_OpensEchoesCompressesAndClosesCleanly(bool fastPath)
    {
        BrowserRequirements.RequireChromiumAndPlaywright();
        var requests = new List<string>();
        await using var host = await AspNetApp.StartAsync(fastPath, https: true, configure: null, app =>
        {
            app.Use(async (context, next) =>
            {
                lock (requests)
                {
                    requests.Add($"{context.Request.Protocol} {context.Request.Method} {context.Request.Path}");
                }

                await next(context);
            });
            app.MapGet("/", () => Results.Content("<!doctype html><title>h2</title><p>a page over HTTP/2", "text/html"));
            app.MapWebSocket("/echo", async ws =>
            {
                await foreach (var message in ws)
                {
                    await ws.SendAsync(message);
                }
            });
        });

        var (code, output, error) = await Peers.RunToEndAsync("node", [Peers.Script("https_page_echo.mjs"), host.BaseUri.ToString(), "/echo"], TimeSpan.FromSeconds(90));

        Assert.True(code == 0, $"https_page_echo.mjs failed: {error}");
        var result = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("h2", result.GetProperty("pageProtocol").GetString());
        Assert.Contains("HTTP/2 CONNECT /echo", requests);
        Assert.True(result.GetProperty("textOk").GetBoolean());
        Assert.True(result.GetProperty("binaryOk").GetBoolean());
        Assert.StartsWith("permessage-deflate", result.GetProperty("extensions").GetString(), StringComparison.Ordinal);
        var close = result.GetProperty("close");
        Assert.Equal(1000, close.GetProperty("code").GetInt32());
        Assert.True(close.GetProperty("wasClean").GetBoolean());
    }
}
