using Pulse.Server;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>
/// One in-process PulseServer (what <c>pulse serve</c> runs) per conformance class, its <c>/echo</c> untouched but
/// for keepalive pings, which are off so that every frame the server sends answers something a test sent.
/// </summary>
public sealed class EchoServerFixture : IAsyncLifetime
{
    private PulseServer? _server;

    /// <summary>The largest message <c>/echo</c> accepts: <c>pulse serve</c>'s default (16 MiB).</summary>
    public static int MaxMessageSize { get; } = new ServeOptions().EchoMaxMessageSize;

    public int Port => _server?.EndPoints[0].Port ?? throw new InvalidOperationException("the server is not started");

    /// <summary>Opens a raw connection to <c>/echo</c>, after a correct opening handshake.</summary>
    public Task<RawWebSocket> OpenAsync() => RawWebSocket.OpenAsync(Port, "/echo");

    public async Task InitializeAsync() => _server = await PulseServerFixture.StartAsync(options => options.PingInterval = null);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
