using System.Net.Http.Headers;
using Pulse.Server;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Hostile;

/// <summary>
/// What <c>pulse serve</c> runs, configured as in production (a token secret, an admin API key, an origin
/// allow-list, anonymous hub access off, <c>/echo</c> turned on by name), plus a bystander: an <c>/echo</c>
/// connection opened before any hostile input, which must keep echoing after each case.
/// </summary>
public sealed class HostileServerFixture : IAsyncLifetime
{
    public const string TokenSecret = "hostile-suite-secret-that-is-long-enough!";
    public const string AdminKey = "hostile-suite-admin-key";
    public const string AllowedOrigin = "https://good.example";

    private PulseServer? _server;
    private WebSocketConnection? _bystander;
    private int _probe;

    public PulseServer Server => _server ?? throw new InvalidOperationException("the server is not started");

    public int Port => Server.EndPoints[0].Port;

    public Uri Ws(string path) => new(Server.BaseUri, path);

    public HttpClient Http { get; } = new();

    public async Task InitializeAsync()
    {
        _server = await PulseServerFixture.StartAsync(options =>
        {
            options.PingInterval = null;
            options.TokenSecret = TokenSecret;
            options.AdminApiKey = AdminKey;
            options.AllowAnonymous = false;
            options.Origins = [AllowedOrigin];
            options.Echo = true; // production mode serves no /echo unless named; the bystander needs one
        });
        Http.BaseAddress = Server.HttpBaseUri;
        _bystander = await WebSocketClient.ConnectAsync(Ws("/echo"), new ClientOptions { PingInterval = null, UseProxyFromEnvironment = false }).DefaultTimeout();
    }

    /// <summary>"Every other connection keeps working": the bystander still echoes, and a new connection opens and echoes.</summary>
    public async Task AssertOthersUnharmedAsync()
    {
        var text = $"still here {Interlocked.Increment(ref _probe)}";
        await _bystander!.SendAsync(text).DefaultTimeout();
        Assert.Equal(text, (await _bystander.ReceiveAsync().AsTask().DefaultTimeout()).Text);

        await using var fresh = await WebSocketClient.ConnectAsync(Ws("/echo"), new ClientOptions { UseProxyFromEnvironment = false }).DefaultTimeout();
        await fresh.SendAsync(text).DefaultTimeout();
        Assert.Equal(text, (await fresh.ReceiveAsync().AsTask().DefaultTimeout()).Text);
    }

    /// <summary>An admin API request with <paramref name="key"/> in <c>Authorization: Bearer</c> (none when null).</summary>
    public Task<HttpResponseMessage> AdminGetAsync(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return Http.SendAsync(request).DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_bystander is not null)
        {
            await _bystander.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
