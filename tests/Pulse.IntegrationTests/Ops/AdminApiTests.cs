using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pulse.Server;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Ops;

/// <summary>pulse serve's admin HTTP API: JSON, behind an API key.</summary>
public sealed class AdminApiTests
{
    private const string Key = "admin-key-for-the-tests-0123456789";

    private static Task<PulseServer> StartAsync() => PulseServerFixture.StartAsync(o => o.AdminApiKey = Key);

    private static HttpClient Client(PulseServer server, string? key = Key)
    {
        var http = new HttpClient { BaseAddress = server.HttpBaseUri };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    private static async Task<HubTestClient> ConnectHubAsync(PulseServer server)
    {
        var client = new HubTestClient(await WebSocketClient.ConnectAsync(new Uri(server.BaseUri, "ws"), new ClientOptions { Subprotocols = ["pulse.v1.json"] }).DefaultTimeout());
        client.Welcome = await client.ExpectAsync("welcome");
        return client;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request).DefaultTimeout();
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        return (response.StatusCode, JsonDocument.Parse(text.Length == 0 ? "null" : text).RootElement.Clone());
    }

    [Fact]
    public async Task Publish_ReachesASubscribedHubClient()
    {
        await using var server = await StartAsync();
        using var http = Client(server);
        await using var subscriber = await ConnectHubAsync(server);
        await subscriber.SubscribeAsync("news:admin");

        var (status, reply) = await SendAsync(http, HttpMethod.Post, "api/publish", """{"channel":"news:admin","data":{"text":"from the admin API"}}""");
        var message = await subscriber.NextMessageAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, reply.GetProperty("offset").GetInt64());
        Assert.Contains("from the admin API", message.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broadcast_ChannelsInfoAndPresence_Answer()
    {
        await using var server = await StartAsync();
        using var http = Client(server);
        await using var a = await ConnectHubAsync(server);
        await using var b = await ConnectHubAsync(server);
        await a.SubscribeAsync("room:a");
        await b.SubscribeAsync("room:b");

        var (broadcastStatus, broadcast) = await SendAsync(http, HttpMethod.Post, "api/broadcast", """{"channels":["room:a","room:b"],"data":"both"}""");
        var toA = await a.NextMessageAsync();
        var toB = await b.NextMessageAsync();
        var (_, channels) = await SendAsync(http, HttpMethod.Get, "api/channels");
        var (_, info) = await SendAsync(http, HttpMethod.Get, "api/info");
        var (presenceStatus, presence) = await SendAsync(http, HttpMethod.Get, "api/presence/room:a");
        var (statsStatus, stats) = await SendAsync(http, HttpMethod.Get, "api/presence/room:a/stats");

        Assert.Equal(HttpStatusCode.OK, broadcastStatus);
        Assert.Equal(2, broadcast.GetProperty("published").GetInt32());
        Assert.Contains("both", toA.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("both", toB.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(["room:a", "room:b"], channels.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("channel").GetString()));
        Assert.Equal(2, info.GetProperty("connections").GetInt32());
        Assert.True(info.GetProperty("version").GetString()!.Length > 0);
        Assert.Equal(HttpStatusCode.OK, presenceStatus);
        Assert.Equal(JsonValueKind.Array, presence.GetProperty("clients").ValueKind);
        Assert.Equal(HttpStatusCode.OK, statsStatus);
        Assert.Equal(presence.GetProperty("clients").GetArrayLength(), stats.GetProperty("clients").GetInt32());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-of-the-same-length-0123")]
    public async Task MissingOrWrongKey_401(string? key)
    {
        await using var server = await StartAsync();
        using var http = Client(server, key);

        var (publish, error) = await SendAsync(http, HttpMethod.Post, "api/publish", """{"channel":"news","data":1}""");
        var (info, _) = await SendAsync(http, HttpMethod.Get, "api/info");

        Assert.Equal(HttpStatusCode.Unauthorized, publish);
        Assert.Equal(HttpStatusCode.Unauthorized, info);
        Assert.True(error.GetProperty("error").GetString()!.Length > 0);
    }

    [Fact]
    public async Task KeyInXApiKeyHeader_Accepted()
    {
        await using var server = await StartAsync();
        using var http = Client(server, key: null);
        http.DefaultRequestHeaders.Add("X-Api-Key", Key);

        var (status, _) = await SendAsync(http, HttpMethod.Get, "api/info");

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("api/publish", "{ not json")]
    [InlineData("api/publish", "[1, 2]")]
    [InlineData("api/publish", """{"data":1}""")]
    [InlineData("api/publish", """{"channel":"news"}""")]
    [InlineData("api/publish", """{"channel":"bad channel!","data":1}""")]
    [InlineData("api/broadcast", """{"channels":[],"data":1}""")]
    [InlineData("api/disconnect", """{"user":42}""")]
    public async Task BadRequest_400WithJsonError(string path, string body)
    {
        await using var server = await StartAsync();
        using var http = Client(server);

        var (status, error) = await SendAsync(http, HttpMethod.Post, path, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(error.GetProperty("error").GetString()!.Length > 0);
    }

    [Fact]
    public async Task Disconnect_ClosesTheUsersConnections()
    {
        await using var server = await StartAsync();
        using var http = Client(server);
        var token = new Pulse.Hub.Hosting.HubTokens(ServeOptions.DevelopmentTokenSecret).Create("alice");
        var alice = await WebSocketClient.ConnectAsync(new Uri(server.BaseUri, "ws?token=" + Uri.EscapeDataString(token)), new ClientOptions { Subprotocols = ["pulse.v1.json"] }).DefaultTimeout();
        await alice.ReceiveAsync().DefaultTimeout(); // welcome

        var (status, reply) = await SendAsync(http, HttpMethod.Post, "api/disconnect", """{"user":"alice"}""");
        var closed = await Assert.ThrowsAnyAsync<ConnectionClosedException>(async () =>
        {
            while (true)
            {
                await alice.ReceiveAsync().DefaultTimeout();
            }
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, reply.GetProperty("disconnected").GetInt32());
        Assert.Equal(CloseCode.PolicyViolation, closed.Received?.Code);
    }

    [Fact]
    public async Task NoKeyConfigured_ApiIsOff404()
    {
        await using var server = await PulseServerFixture.StartAsync();
        using var http = Client(server);

        using var response = await http.GetAsync(new Uri("api/info", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
