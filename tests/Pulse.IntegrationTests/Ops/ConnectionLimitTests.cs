using System.Net;
using System.Text;
using Pulse.Server;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Ops;

/// <summary>
/// pulse serve's connection limits, overall and per client address, over every WebSocket path: an upgrade over a
/// limit is answered 503 before it happens, and nobody already connected notices.
/// </summary>
public sealed class ConnectionLimitTests
{
    private static readonly IPAddress s_second = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress s_third = IPAddress.Parse("127.0.0.3");
    private const string HubProtocol = "Sec-WebSocket-Protocol: pulse.v1.json";

    private static int Port(PulseServer server) => server.EndPoints[0].Port;

    private static async Task<RawWebSocket> OpenAsync(PulseServer server, string path, IPAddress? from, params string[] headers)
    {
        var (socket, response) = await RawWebSocket.TryOpenAsync(Port(server), path, from, headers);
        Assert.True(response.StatusCode == 101, $"expected 101 on {path} from {from}, got {response.StatusCode}: {response.Body}");
        return socket;
    }

    private static async Task<RawHttpResponse> RefusedAsync(PulseServer server, string path, IPAddress? from, params string[] headers)
    {
        var (socket, response) = await RawWebSocket.TryOpenAsync(Port(server), path, from, headers);
        await using (socket)
        {
            Assert.Equal(503, response.StatusCode);
            Assert.Null(response.Header("Upgrade"));
            Assert.True(await socket.WaitForTcpCloseAsync(), "the server keeps no refused connection open");
        }

        return response;
    }

    private static async Task AssertEchoesAsync(RawWebSocket socket, string text)
    {
        await socket.SendTextAsync(text);
        var message = await socket.ReceiveMessageAsync();
        Assert.Equal(text, Encoding.UTF8.GetString(message.Payload));
    }

    [Fact]
    public async Task PerAddressLimit_RefusesTheOneOver_AcrossPaths_AndOtherAddressesStillConnect()
    {
        await using var server = await PulseServerFixture.StartAsync(o => o.MaxConnectionsPerAddress = 2);
        await using var echo = await OpenAsync(server, "/echo", s_second);
        await using var hub = await OpenAsync(server, "/ws", s_second, HubProtocol);

        var refused = await RefusedAsync(server, "/broadcast", s_second);
        await using var other = await OpenAsync(server, "/echo", s_third);

        Assert.Contains("too many connections from your address", refused.Body, StringComparison.Ordinal);
        await AssertEchoesAsync(echo, "still here");
        await AssertEchoesAsync(other, "me too");
    }

    [Fact]
    public async Task PerAddressLimit_ASlotFreesWhenAConnectionCloses()
    {
        await using var server = await PulseServerFixture.StartAsync(o => o.MaxConnectionsPerAddress = 1);
        var first = await OpenAsync(server, "/echo", s_second);
        await RefusedAsync(server, "/echo", s_second);

        await first.SendCloseAsync(1000);
        await first.ReceiveCloseAsync();
        await first.DisposeAsync();

        // The slot is given back once the server has finished with the connection: try until it has.
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            var (socket, response) = await RawWebSocket.TryOpenAsync(Port(server), "/echo", s_second);
            await using (socket)
            {
                if (response.StatusCode == 101)
                {
                    await AssertEchoesAsync(socket, "back again");
                    return;
                }

                Assert.True(DateTime.UtcNow < deadline, $"the slot was never freed: still {response.StatusCode}");
            }

            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task OverallLimit_CountsEveryPath_AndPlainHttpIsNotLimited()
    {
        await using var server = await PulseServerFixture.StartAsync(o => o.MaxConnections = 3);
        await using var echo = await OpenAsync(server, "/echo", s_second);
        await using var broadcast = await OpenAsync(server, "/broadcast", s_third);
        await using var hub = await OpenAsync(server, "/ws", null, HubProtocol);

        var refused = await RefusedAsync(server, "/echo", IPAddress.Parse("127.0.0.4"));
        using var http = new HttpClient();
        var health = await http.GetAsync(new Uri(server.HttpBaseUri, "healthz")).DefaultTimeout();

        Assert.Contains("too many connections", refused.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await AssertEchoesAsync(echo, "unaffected");
    }

    [Fact]
    public async Task TrustedProxy_TheForwardedAddressIsTheClient()
    {
        await using var server = await PulseServerFixture.StartAsync(o =>
        {
            o.MaxConnectionsPerAddress = 1;
            o.TrustedProxies = [IPNetwork.Parse("127.0.0.1/32")];
        });

        // Both come through the proxy at 127.0.0.1, for two different clients: both fit.
        await using var alice = await OpenAsync(server, "/echo", IPAddress.Loopback, "X-Forwarded-For: 203.0.113.7");
        await using var bob = await OpenAsync(server, "/echo", IPAddress.Loopback, "X-Forwarded-For: 203.0.113.8");

        // Alice again: over her own limit, though the proxy's address is the same as before.
        await RefusedAsync(server, "/echo", IPAddress.Loopback, "X-Forwarded-For: 198.51.100.1, 203.0.113.7");
        await AssertEchoesAsync(alice, "alice");
        await AssertEchoesAsync(bob, "bob");
    }

    [Fact]
    public async Task UntrustedPeer_CannotDodgeTheLimitWithAForgedHeader()
    {
        await using var server = await PulseServerFixture.StartAsync(o =>
        {
            o.MaxConnectionsPerAddress = 1;
            o.TrustedProxies = [IPNetwork.Parse("127.0.0.1/32")];
        });

        await using var first = await OpenAsync(server, "/echo", s_second, "X-Forwarded-For: 203.0.113.7");
        await RefusedAsync(server, "/echo", s_second, "X-Forwarded-For: 203.0.113.99");
    }
}
