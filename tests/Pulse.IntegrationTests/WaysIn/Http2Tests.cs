using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pulse.Testing;

namespace Pulse.IntegrationTests.WaysIn;

/// <summary>
/// Issue 14 §2: WebSockets over HTTP/2 (RFC 8441) on an HTTPS app with Kestrel's default protocols, as a browser
/// opens them from a page loaded over HTTP/2. The peer is .NET's own ClientWebSocket, which speaks extended
/// CONNECT; each case runs with and without the fast path on the listener.
/// </summary>
public sealed class Http2Tests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtendedConnect_EchoesTextAndBinary_AndClosesCleanly(bool fastPath)
    {
        var protocols = new List<string>();
        await using var host = await AspNetApp.StartAsync(fastPath, https: true, configure: null, app =>
        {
            app.Use(async (context, next) =>
            {
                lock (protocols)
                {
                    protocols.Add($"{context.Request.Protocol} {context.Request.Method}");
                }

                await next(context);
            });
            app.MapWebSocket("/echo", EchoAsync);
        });
        using var client = Http2Client(host);

        using var ws = await client.ConnectAsync(new Uri(host.WebSocketBaseUri, "echo"));
        var text = await RoundTripAsync(ws, Encoding.UTF8.GetBytes("hello over h2"), WebSocketMessageType.Text);
        var binary = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        var binaryEcho = await RoundTripAsync(ws, binary, WebSocketMessageType.Binary);
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, ws.HttpStatusCode);
        Assert.Equal("hello over h2", Encoding.UTF8.GetString(text));
        Assert.Equal(binary, binaryEcho);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
        Assert.Equal(WebSocketState.Closed, ws.State);
        Assert.Contains("HTTP/2 CONNECT", protocols);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtendedConnect_NegotiatesSubprotocolAndPermessageDeflate(bool fastPath)
    {
        await using var host = await AspNetApp.StartAsync(fastPath, https: true, configure: null, app =>
            app.MapWebSocket("/echo", EchoAsync, new ServerOptions { Subprotocols = ["chat.v2", "chat.v1"] }));
        using var client = Http2Client(host);

        using var ws = await client.ConnectAsync(new Uri(host.WebSocketBaseUri, "echo"), options =>
        {
            options.AddSubProtocol("chat.v1");
            options.DangerousDeflateOptions = new WebSocketDeflateOptions { ClientMaxWindowBits = 12, ServerMaxWindowBits = 12 };
        });
        var large = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compressible text ", 2000)));
        var echo = await RoundTripAsync(ws, large, WebSocketMessageType.Text);

        Assert.Equal("chat.v1", ws.SubProtocol);
        Assert.Contains("permessage-deflate", ws.HttpResponseHeaders!["Sec-WebSocket-Extensions"].Single(), StringComparison.Ordinal);
        Assert.Equal(large, echo);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtendedConnect_FromAnOriginNotAllowed_Gets403(bool fastPath)
    {
        await using var host = await AspNetApp.StartAsync(fastPath, https: true, configure: null, app =>
            app.MapWebSocket("/echo", EchoAsync, new ServerOptions { Origins = ["https://app.example"] }));
        using var client = Http2Client(host);

        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(new Uri(host.WebSocketBaseUri, "echo"), options => options.SetRequestHeader("Origin", "https://evil.example")));
        var refusedStatus = client.LastStatusCode;
        using var allowed = await client.ConnectAsync(new Uri(host.WebSocketBaseUri, "echo"), options => options.SetRequestHeader("Origin", "https://app.example"));

        Assert.Equal(HttpStatusCode.Forbidden, refusedStatus);
        Assert.Equal(WebSocketState.Open, allowed.State);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtendedConnect_MessageOverTheLimit_ClosesWith1009(bool fastPath)
    {
        await using var host = await AspNetApp.StartAsync(fastPath, https: true, configure: null, app =>
            app.MapWebSocket("/echo", EchoAsync, new ServerOptions { MaxMessageSize = 1024 }));
        using var client = Http2Client(host);

        using var ws = await client.ConnectAsync(new Uri(host.WebSocketBaseUri, "echo"));
        await ws.SendAsync(new byte[4096], WebSocketMessageType.Binary, true, CancellationToken.None).DefaultTimeout();
        var result = await ws.ReceiveAsync(new byte[64], CancellationToken.None).DefaultTimeout();

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, ws.CloseStatus);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtendedConnect_RequireAuthorization_AnonymousRefused_SignedInEchoes(bool fastPath)
    {
        await using var app = await SecuredApp.StartAsync(fastPath, https: true);
        var cookie = await app.SignInAsync("user");
        using var client = Http2Client(app.Host);

        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(new Uri(app.Host.WebSocketBaseUri, "echo")));
        var refusedStatus = client.LastStatusCode;
        using var ws = await client.ConnectAsync(new Uri(app.Host.WebSocketBaseUri, "echo"), options => options.SetRequestHeader("Cookie", cookie));
        var echo = await RoundTripAsync(ws, "signed in"u8.ToArray(), WebSocketMessageType.Text);

        Assert.Equal(HttpStatusCode.Redirect, refusedStatus);
        Assert.Equal("signed in", Encoding.UTF8.GetString(echo));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MapPulseHub_OverHttp2_WelcomesAndAnswers(bool fastPath)
    {
        await using var host = await AspNetApp.StartAsync(
            fastPath,
            https: true,
            builder => builder.Services.AddPulseHub(hub => hub.AllowAnonymous = true),
            app => app.MapPulseHub("/ws"));
        using var client = Http2Client(host);

        using var ws = await client.ConnectAsync(new Uri(host.WebSocketBaseUri, "ws"), options => options.AddSubProtocol("pulse.v1.json"));
        var welcome = await ReceiveTextAsync(ws);
        var pong = await RoundTripAsync(ws, """{"type":"ping","id":"p1"}"""u8.ToArray(), WebSocketMessageType.Text);

        Assert.Equal("pulse.v1.json", ws.SubProtocol);
        using (var envelope = JsonDocument.Parse(welcome))
        {
            Assert.Equal("welcome", envelope.RootElement.GetProperty("type").GetString());
        }

        using (var envelope = JsonDocument.Parse(pong))
        {
            Assert.Equal("pong", envelope.RootElement.GetProperty("type").GetString());
            Assert.Equal("p1", envelope.RootElement.GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task PlainGetOverHttp2_To_AWebSocketPath_Gets426WithoutHttp1Headers()
    {
        await using var host = await AspNetApp.StartAsync(fastPath: true, https: true, configure: null, app => app.MapWebSocket("/echo", EchoAsync));
        using var client = Http2Client(host);

        using var response = await client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(host.BaseUri, "echo")) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact }).DefaultTimeout();

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.False(response.Headers.Contains("Upgrade"));
        Assert.Equal("13", response.Headers.GetValues("Sec-WebSocket-Version").Single());
    }

    private static async Task EchoAsync(WebSocketConnection ws)
    {
        await foreach (var message in ws)
        {
            await ws.SendAsync(message);
        }
    }

    private static async Task<byte[]> RoundTripAsync(ClientWebSocket ws, byte[] payload, WebSocketMessageType type)
    {
        await ws.SendAsync(payload, type, true, CancellationToken.None).DefaultTimeout();
        return await ReceiveBytesAsync(ws);
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket ws) => Encoding.UTF8.GetString(await ReceiveBytesAsync(ws));

    private static async Task<byte[]> ReceiveBytesAsync(ClientWebSocket ws)
    {
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await ws.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return message.ToArray();
            }
        }
    }

    private static Http2WebSocketClient Http2Client(AspNetApp host) => new(host.Certificate!);

    /// <summary>ClientWebSocket over HTTP/2 only (no fallback to HTTP/1.1), trusting the app's certificate.</summary>
    private sealed class Http2WebSocketClient(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) : IDisposable
    {
        private readonly SocketsHttpHandler _handler = new()
        {
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.Thumbprint },
        };

        public HttpClient Http => field ??= new HttpClient(_handler, disposeHandler: false);

        public HttpStatusCode LastStatusCode { get; private set; }

        public async Task<ClientWebSocket> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
        {
            var ws = new ClientWebSocket();
            ws.Options.HttpVersion = HttpVersion.Version20;
            ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            ws.Options.CollectHttpResponseDetails = true;
            configure?.Invoke(ws.Options);
            try
            {
                await ws.ConnectAsync(uri, Http, CancellationToken.None).DefaultTimeout();
                return ws;
            }
            finally
            {
                LastStatusCode = ws.HttpStatusCode;
            }
        }

        public void Dispose()
        {
            Http.Dispose();
            _handler.Dispose();
        }
    }
}
