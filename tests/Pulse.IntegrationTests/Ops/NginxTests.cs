using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Pulse.Server;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Ops;

/// <summary>
/// Debian's nginx in front of pulse serve, configured with the file docs/deploy.md shows (deploy/nginx/pulse.conf):
/// TLS ends at nginx, upgrades pass through, X-Forwarded-For names the client to a server that trusts the proxy.
/// </summary>
public sealed class NginxTests : IAsyncLifetime
{
    private const string ApiKey = "admin-key-for-the-nginx-tests-0123";
    private static readonly string s_repository = Path.GetFullPath(Path.Combine(Peers.Directory, "..", ".."));
    private static readonly string s_siteFile = Path.Combine(s_repository, "deploy", "nginx", "pulse.conf");

    private readonly string _directory = Directory.CreateTempSubdirectory("pulse-nginx-tls-").FullName;
    private readonly X509Certificate2 _certificate = TestCertificates.CreateSelfSigned();
    private PulseServer _server = null!;
    private NginxProxy _nginx = null!;

    public async Task InitializeAsync()
    {
        _server = await PulseServerFixture.StartAsync(o =>
        {
            o.AdminApiKey = ApiKey;
            o.MaxConnectionsPerAddress = 2;
            o.TrustedProxies = [IPNetwork.Parse("127.0.0.1/32")];
        });
        var (certificatePath, keyPath) = TestCertificates.WritePem(_certificate, _directory);
        var port = LoopbackPorts.Free();
        var site = File.ReadAllText(s_siteFile);
        site = Substitute(site, "listen 443 ssl;", $"listen 127.0.0.1:{port} ssl;");
        site = Substitute(site, "server 127.0.0.1:8765;", $"server 127.0.0.1:{_server.EndPoints[0].Port};");
        site = Substitute(site, "/etc/ssl/realtime.pem", certificatePath);
        site = Substitute(site, "/etc/ssl/realtime.key", keyPath);
        _nginx = await NginxProxy.StartAsync(site, port);
    }

    public async Task DisposeAsync()
    {
        await _nginx.DisposeAsync();
        await _server.DisposeAsync();
        _certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    // The test runs the shipped file with only addresses and paths changed; if those lines move, it says so.
    private static string Substitute(string text, string shipped, string local)
    {
        Assert.True(text.Contains(shipped, StringComparison.Ordinal), $"deploy/nginx/pulse.conf no longer contains '{shipped}'");
        return text.Replace(shipped, local, StringComparison.Ordinal);
    }

    private ClientOptions TrustingNginx() => new()
    {
        Subprotocols = ["pulse.v1.json"],
        TrustedCertificates = [X509CertificateLoader.LoadCertificate(_certificate.RawData)],
    };

    private async Task<HubTestClient> ConnectHubAsync()
    {
        var socket = await WebSocketClient.ConnectAsync(new Uri($"wss://localhost:{_nginx.Port}/ws"), TrustingNginx()).DefaultTimeout();
        var client = new HubTestClient(socket);
        client.Welcome = await client.ExpectAsync("welcome");
        return client;
    }

    [Fact]
    public void TheDeployGuide_ShowsTheTestedFile()
    {
        var guide = File.ReadAllText(Path.Combine(s_repository, "docs", "deploy.md"));

        Assert.Contains(File.ReadAllText(s_siteFile).Trim(), guide, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HubConversation_ThroughNginxOverWss()
    {
        await using var alice = await ConnectHubAsync();
        await using var bob = await ConnectHubAsync();
        await alice.SubscribeAsync("chat:nginx");
        await bob.SubscribeAsync("chat:nginx");

        var offset = await bob.PublishAsync("chat:nginx", new { text = "hello through nginx" });
        var received = await alice.NextMessageAsync();
        var presence = await alice.RequestAsync("presence", new { channel = "chat:nginx" });

        Assert.Equal(1, offset);
        Assert.Contains("hello through nginx", received.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(2, presence.GetProperty("payload").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task AdminApi_ThroughNginx_PublishesToASubscriberThroughNginx()
    {
        await using var subscriber = await ConnectHubAsync();
        await subscriber.SubscribeAsync("news:nginx");
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == _certificate.Thumbprint,
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{_nginx.Port}/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        using var content = new StringContent("""{"channel":"news:nginx","data":{"text":"from the back end"}}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("api/publish", UriKind.Relative), content).DefaultTimeout();
        var message = await subscriber.NextMessageAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("from the back end", message.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedFor_ThePerAddressLimitCountsEachRealClient()
    {
        // Every connection reaches Pulse from nginx at 127.0.0.1; only X-Forwarded-For tells the clients apart.
        var second = IPAddress.Parse("127.0.0.2");
        await using var first = await OpenThroughNginxAsync(second, 101);
        await using var again = await OpenThroughNginxAsync(second, 101);
        await using var overLimit = await OpenThroughNginxAsync(second, 503);
        await using var other = await OpenThroughNginxAsync(IPAddress.Parse("127.0.0.3"), 101);

        await first.SendTextAsync("still echoing");
        Assert.Equal("still echoing", Encoding.UTF8.GetString((await first.ReceiveMessageAsync()).Payload));
    }

    private async Task<RawWebSocket> OpenThroughNginxAsync(IPAddress from, int expectedStatus)
    {
        var (socket, response) = await RawWebSocket.TryOpenAsync(_nginx.Port, "/echo", from, _certificate);
        Assert.True(response.StatusCode == expectedStatus, $"from {from}: expected {expectedStatus}, got {response.StatusCode} {response.Body}");
        return socket;
    }
}
