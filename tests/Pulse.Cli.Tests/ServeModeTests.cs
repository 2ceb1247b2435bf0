using System.Net;
using System.Text.Json;
using Pulse.Hub.Hosting;
using Pulse.Server;
using Pulse.Testing;

namespace Pulse.Cli.Tests;

/// <summary>
/// The real program in its two modes: the playground with nothing configured, production once a token secret is
/// set or anonymous access is off, with the playground's parts back only by name; and in neither does an ordinary
/// client read the server's own log.
/// </summary>
public sealed class ServeModeTests
{
    private const string Secret = "serve-mode-tests-token-secret-0123456789";

    private static readonly HttpClient s_http = new();

    private static ClientOptions HubOptions() => new() { Subprotocols = ["pulse.v1.json"], PingInterval = null, UseProxyFromEnvironment = false };

    private static async Task<HubTestClient> ConnectHubAsync(ServeProcess serve, string? token)
    {
        var client = new HubTestClient(await WebSocketClient.ConnectAsync(serve.Ws(token is null ? "/ws" : $"/ws?token={token}"), HubOptions()).DefaultTimeout());
        client.Welcome = await client.ExpectAsync("welcome");
        return client;
    }

    private static async Task<HttpStatusCode> StatusAsync(ServeProcess serve, string path)
    {
        using var response = await s_http.GetAsync(serve.Http(path)).DefaultTimeout();
        return response.StatusCode;
    }

    private static async Task<int?> UpgradeRefusalAsync(ServeProcess serve, string path)
    {
        try
        {
            await using var connection = await WebSocketClient.ConnectAsync(serve.Ws(path), new ClientOptions { UseProxyFromEnvironment = false }).DefaultTimeout();
            return null;
        }
        catch (InvalidStatusException e)
        {
            return e.StatusCode;
        }
    }

    [Fact]
    public async Task Production_TokenSecretAndNoAnonymous_ServesNoPlaygroundPart_AndSaysSo()
    {
        using var serve = await ServeProcess.StartAsync("--token-secret", Secret, "--no-anonymous");
        var modeLine = await serve.WaitForLogAsync("Production mode");

        foreach (var path in new[] { "/", "/chat", "/logs", "/demos/token?user=alice", "/pulse.js" })
        {
            Assert.True(await StatusAsync(serve, path) == HttpStatusCode.NotFound, $"{path} is served in production mode");
        }

        Assert.Equal(404, await UpgradeRefusalAsync(serve, "/echo"));
        Assert.Equal(404, await UpgradeRefusalAsync(serve, "/broadcast"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(serve, "/healthz"));
        await using var hub = await ConnectHubAsync(serve, new HubTokens(Secret).Create("alice"));
        await hub.SubscribeAsync("news:today");

        Assert.DoesNotContain("echo", serve.ListeningLine, StringComparison.Ordinal);
        Assert.Contains("off: demo pages and channels (--demos), /echo (--echo), /broadcast (--broadcast)", modeLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_DemosAndEchoNamed_ServesThem_ButNotBroadcast()
    {
        using var serve = await ServeProcess.StartAsync("--token-secret", Secret, "--demos", "--echo");

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(serve, "/"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(serve, "/chat"));
        await using (var echo = await WebSocketClient.ConnectAsync(serve.Ws("/echo"), new ClientOptions { UseProxyFromEnvironment = false }).DefaultTimeout())
        {
            await echo.SendAsync("named by flag").DefaultTimeout();
            Assert.Equal("named by flag", (await echo.ReceiveAsync().DefaultTimeout()).Text);
        }

        Assert.Equal(404, await UpgradeRefusalAsync(serve, "/broadcast"));

        // A real secret: nicknames' tokens come from its owner, never from the demo route.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(serve, "/demos/token?user=alice"));
        Assert.Contains("echo: ws://", serve.ListeningLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Playground_NothingConfigured_ServesEveryPart_AndSaysSo()
    {
        using var serve = await ServeProcess.StartAsync();
        await serve.WaitForLogAsync("Playground mode");

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(serve, "/"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(serve, "/demos/token?user=alice"));
        Assert.Null(await UpgradeRefusalAsync(serve, "/echo"));
        Assert.Null(await UpgradeRefusalAsync(serve, "/broadcast"));
    }

    /// <summary>
    /// The finding: a user's connection is logged with the user's name and address, and the log tail
    /// published it on <c>logs:server</c>. An ordinary user subscribes there, another user connects, the server
    /// logs it (seen on its stderr), and then a line published after that one arrives: nothing before it named
    /// the other user, and every line on the tail is the demo worker's.
    /// </summary>
    [Theory]
    [InlineData("production", false)]
    [InlineData("production", true)]
    [InlineData("playground", true)]
    public async Task LogTail_AnOrdinaryUserSubscribes_ReadsNoServerLogLine(string mode, bool demos)
    {
        // Debug: the hub logs each client's connection (naming its user) at Debug, and that line must not reach the tail.
        string[] arguments = mode == "production" ? ["--token-secret", Secret, "--no-anonymous", "--log-level", "Debug"] : ["--log-level", "Debug"];
        using var serve = await ServeProcess.StartAsync([.. arguments, .. demos ? new[] { "--demos" } : []]);
        var tokens = new HubTokens(mode == "production" ? Secret : ServeOptions.DevelopmentTokenSecret);
        await using var reader = await ConnectHubAsync(serve, tokens.Create("reader"));
        await reader.SubscribeAsync("logs:server");
        if (demos)
        {
            // The tail is live once its first line arrives; from then on a leaking tail would carry the next one.
            await reader.NextMessageAsync();
        }

        var other = $"other-{Guid.NewGuid():N}";
        await using var otherUser = await ConnectHubAsync(serve, tokens.Create(other));
        await serve.WaitForLogAsync($"user '{other}'");
        var loggedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var received = new List<JsonElement>();
        if (demos)
        {
            // The worker's lines come once a second; one made after the server's line would follow it.
            while (true)
            {
                var data = (await reader.NextMessageAsync()).GetProperty("payload").GetProperty("data");
                received.Add(data);
                if (data.GetProperty("time").GetInt64() > loggedAt)
                {
                    break;
                }
            }
        }
        else
        {
            // No demo: the channel is an ordinary one, so the reader's own line marks the end.
            await reader.PublishAsync("logs:server", new { marker = true });
            while (true)
            {
                var data = (await reader.NextMessageAsync()).GetProperty("payload").GetProperty("data");
                if (data.TryGetProperty("marker", out _))
                {
                    break;
                }

                received.Add(data);
            }
        }

        Assert.All(received, line =>
        {
            Assert.DoesNotContain(other, line.GetRawText(), StringComparison.Ordinal);
            Assert.Equal("demo.worker", line.GetProperty("category").GetString());
        });
    }
}
