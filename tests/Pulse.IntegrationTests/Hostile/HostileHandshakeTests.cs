using System.Net;
using System.Text;
using Pulse.Hub.Hosting;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Hostile;

/// <summary>
/// Hostile opening handshakes and HTTP requests against <c>pulse serve</c>: each gets a bounded, correct refusal
/// (a status code, then the connection closed), and every other connection keeps working.
/// </summary>
[Trait("Category", "Hostile")]
public sealed class HostileHandshakeTests(HostileServerFixture server) : IClassFixture<HostileServerFixture>
{
    /// <summary>Sends <paramref name="request"/> on a fresh TCP connection and reads the answer's status; the server must then close.</summary>
    private async Task<int> StatusForAsync(string request)
    {
        await using var raw = await RawWebSocket.ConnectTcpAsync(server.Port);
        try
        {
            await raw.SendRawAsync(Encoding.ASCII.GetBytes(request));
        }
        catch (IOException)
        {
            // The server may answer and close before the whole request is written; the answer is still readable.
        }

        var response = await raw.ReadResponseAsync();
        Assert.True(await raw.WaitForTcpCloseAsync(), $"the server kept the connection open after {response.StatusCode}");
        return response.StatusCode;
    }

    private string Upgrade(string path, params string[] extraHeaders) =>
        RawWebSocket.BuildRequest(server.Port, path, Convert.ToBase64String(new byte[16]), extraHeaders);

    /// <summary>
    /// RFC 6585 §5: a request head of 40 KiB or 1 MiB (one huge header) gets 431 (or 400) and the connection closed.
    /// (Pulse's own upgrade parser stops at 8 KiB and hands a longer head to Kestrel, whose limit is 32 KiB.)
    /// </summary>
    [Theory]
    [InlineData(40)]
    [InlineData(1024)]
    public async Task OversizedHeader_Gets431Or400(int kibibytes)
    {
        var status = await StatusForAsync(Upgrade("/echo", $"X-Padding: {new string('a', kibibytes * 1024)}"));

        Assert.True(status is 431 or 400, $"expected 431 or 400, got {status}");
        await server.AssertOthersUnharmedAsync();
    }

    /// <summary>Two thousand tiny headers (a head under 32 KiB, but past the header-count limits) get 431 (or 400).</summary>
    [Fact]
    public async Task ThousandsOfHeaders_Get431Or400()
    {
        var headers = Enumerable.Range(0, 2000).Select(i => $"X-{i}: v").ToArray();

        var status = await StatusForAsync(Upgrade("/echo", headers));

        Assert.True(status is 431 or 400, $"expected 431 or 400, got {status}");
        await server.AssertOthersUnharmedAsync();
    }

    /// <summary>RFC 7230 §3.1.1: bytes that are not HTTP (here a TLS ClientHello to the plain port) get 400 and the connection closed.</summary>
    [Fact]
    public async Task NotHttp_Gets400()
    {
        var status = await StatusForAsync("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003 garbage\r\n\r\n");

        Assert.Equal(400, status);
        await server.AssertOthersUnharmedAsync();
    }

    /// <summary>RFC 6455 §4.2.2, §10.2: an upgrade from an origin not on the allow-list gets 403; an allowed one gets 101.</summary>
    [Fact]
    public async Task DisallowedOrigin_Gets403()
    {
        var refused = await StatusForAsync(Upgrade("/echo", "Origin: https://evil.example"));
        await using var allowed = await RawWebSocket.OpenAsync(server.Port, "/echo", $"Origin: {HostileServerFixture.AllowedOrigin}");

        Assert.Equal(403, refused);
        Assert.Equal(101, allowed.Handshake!.StatusCode);
        await server.AssertOthersUnharmedAsync();
    }

    /// <summary>The admin API without a key or with a wrong one answers 401 (and never runs the request); the right key gets 200.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData(HostileServerFixture.AdminKey + "x")]
    public async Task AdminApi_WithoutOrWithAWrongKey_Gets401(string? key)
    {
        using var refused = await server.AdminGetAsync("/api/info", key);
        using var allowed = await server.AdminGetAsync("/api/info", HostileServerFixture.AdminKey);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        await server.AssertOthersUnharmedAsync();
    }

    public static TheoryData<string> BadTokens
    {
        get
        {
            var tokens = new HubTokens(HostileServerFixture.TokenSecret);
            var valid = tokens.Create("mallory");
            var parts = valid.Split('.');
            static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return new TheoryData<string>
            {
                // A payload edited after signing (the user claim changed), signature kept.
                $"{parts[0]}.{B64("{\"sub\":\"admin\",\"exp\":4102444800}")}.{parts[2]}",

                // Signed with another secret.
                new HubTokens("another-secret-that-is-also-long-enough!!").Create("mallory"),

                // Expired an hour ago, correctly signed.
                new HubTokens(HostileServerFixture.TokenSecret, new ClockInThePast(TimeSpan.FromHours(2))).Create("mallory"),

                // alg: none, no signature.
                $"{B64("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{B64("{\"sub\":\"mallory\",\"exp\":4102444800}")}.",

                // Not a JWT at all, and a huge one.
                "not-a-token",
                new string('A', 100_000),
            };
        }
    }

    /// <summary>A tampered, foreign, expired, unsigned or absurd token on the hub's upgrade gets 401 before the upgrade; a valid one gets 101.</summary>
    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task TamperedToken_Gets401BeforeTheUpgrade(string token)
    {
        var refused = await Assert.ThrowsAsync<InvalidStatusException>(
            () => WebSocketClient.ConnectAsync(server.Ws($"/ws?token={token}"), HubClientOptions()).DefaultTimeout());
        await using var accepted = await WebSocketClient.ConnectAsync(
            server.Ws($"/ws?token={new HubTokens(HostileServerFixture.TokenSecret).Create("alice")}"), HubClientOptions()).DefaultTimeout();

        Assert.True(refused.StatusCode is 401 or 431 or 414, $"expected 401 (or 414/431 for the 100 kB token), got {refused.StatusCode}");
        Assert.Equal("pulse.v1.json", accepted.Subprotocol);
        await server.AssertOthersUnharmedAsync();
    }

    private static ClientOptions HubClientOptions() => new() { Subprotocols = ["pulse.v1.json"], UseProxyFromEnvironment = false };

    /// <summary>A clock <paramref name="offset"/> behind the real one, to sign tokens that expired already.</summary>
    private sealed class ClockInThePast(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() - offset;
    }
}
