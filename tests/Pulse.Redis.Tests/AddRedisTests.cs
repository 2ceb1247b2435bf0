using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pulse.Hub.Client;
using Pulse.Hub.Hosting;
using Pulse.Redis.Engine;
using Pulse.Testing;

namespace Pulse.Redis.Tests;

/// <summary>
/// Any ASP.NET Core app scales out as <c>pulse serve</c> does: <c>AddPulseHub().AddRedis(...)</c> on a real
/// <c>redis-server</c>, two app instances in this process sharing a channel; health checks say when Redis is not there.
/// </summary>
public sealed class AddRedisTests
{
    [Fact]
    public async Task TwoAppInstances_OnOneRedis_ShareAChannel()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = await StartAppAsync(redis.Address);
        await using var second = await StartAppAsync(redis.Address);

        await using var subscriber = await HubClient.ConnectAsync(new Uri(first.WebSocketBaseUri, "ws"));
        var inbox = Channel.CreateUnbounded<HubMessage>();
        await using var subscription = await subscriber.SubscribeAsync("chat:lobby", message => inbox.Writer.WriteAsync(message));
        await using var publisher = await HubClient.ConnectAsync(new Uri(second.WebSocketBaseUri, "ws"));
        var offset = await publisher.PublishAsync("chat:lobby", new { text = "from the other instance" });

        var message = await inbox.Reader.ReadAsync().AsTask().DefaultTimeout();
        Assert.Equal("""{"text":"from the other instance"}""", System.Text.Encoding.UTF8.GetString(message.Data.Span));
        Assert.Equal(offset, message.Offset);
        Assert.Same(second.App.Services.GetRequiredService<RedisEngine>(), second.App.Services.GetRequiredService<HubNode>().Broker);

        // The same Redis, one hub: the nodes see each other in the registry (each announces itself once connected).
        var engine = first.App.Services.GetRequiredService<RedisEngine>();
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        IReadOnlyList<Pulse.Hub.Engines.NodeInfo> nodes;
        while ((nodes = await engine.GetNodesAsync().DefaultTimeout()).Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(2, nodes.Count);
    }

    [Fact]
    public async Task RedisUnreachable_TheAppServes_AndItsHealthCheckSaysWhy()
    {
        await using var nothing = RedisServer.NotStarted();
        await using var app = await StartAppAsync(nothing.Address);
        using var http = new HttpClient { BaseAddress = app.BaseUri };

        using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
        Assert.Contains(nothing.Address, app.App.Services.GetRequiredService<RedisEngine>().Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongAddress_FailsAtTheCall_NamingIt()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ArgumentException>(() => services.AddPulseHub().AddRedis("127.0.0.1:notaport"));

        Assert.Contains("127.0.0.1:notaport", error.Message, StringComparison.Ordinal);
    }

    private static Task<AspNetApp> StartAppAsync(string redis) =>
        AspNetApp.StartAsync(fastPath: false, https: false, configure: builder =>
            builder.Services.AddPulseHub(hub => hub.AllowAnonymous = true).AddRedis(redis), map: app =>
            {
                app.MapPulseHub();
                app.MapHealthChecks("/healthz");
            });
}
