using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pulse.Hub.Client;
using Pulse.Hub.Hosting;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Hub;

/// <summary>
/// The hub as an ASP.NET Core app adds it: <c>AddPulseHub().BindConfiguration(...)</c> from the app's configuration
/// (as appsettings.json gives it), validated when the app starts, with health checks mapped the usual way.
/// </summary>
public sealed class HubHostingTests
{
    [Fact]
    public async Task BindConfiguration_AppliesTheSection_AndTheHubServesWithIt()
    {
        await using var app = await StartAsync(new()
        {
            ["Pulse:Hub:AllowAnonymous"] = "true",
            ["Pulse:Hub:MaxPublishSize"] = "100",
            ["Pulse:Hub:Namespaces:chat:HistorySize"] = "5",
            ["Pulse:Hub:WebSocket:PingInterval"] = "00:00:07",
        });

        var options = app.App.Services.GetRequiredService<HubNode>().Options;
        Assert.True(options.AllowAnonymous);
        Assert.Equal(100, options.MaxPublishSize);
        Assert.Equal(5, options.Namespaces["chat"].HistorySize);
        Assert.Equal(TimeSpan.FromSeconds(7), options.WebSocket.PingInterval);

        // Served as bound: anonymous clients are in, and a publication over 100 bytes is refused by the hub.
        await using var client = await HubClient.ConnectAsync(new Uri(app.WebSocketBaseUri, "ws"));
        var inbox = Channel.CreateUnbounded<HubMessage>();
        await using var subscription = await client.SubscribeAsync("chat:lobby", message => inbox.Writer.WriteAsync(message));
        await client.PublishAsync("chat:lobby", new { text = "hi" });
        Assert.Equal("""{"text":"hi"}""", System.Text.Encoding.UTF8.GetString((await inbox.Reader.ReadAsync().AsTask().DefaultTimeout()).Data.Span));
        var refused = await Assert.ThrowsAsync<HubErrorException>(() => client.PublishAsync("chat:lobby", new { text = new string('x', 200) }));
        Assert.Contains("large", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnknownKey_FailsTheStart_NamingIt()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new()
        {
            ["Pulse:Hub:AllowAnonymous"] = "true",
            ["Pulse:Hub:MaxPublishSise"] = "100",
        }));

        Assert.Contains("MaxPublishSise", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidValue_FailsTheStart_NamingTheOption()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new()
        {
            ["Pulse:Hub:MaxPublishSize"] = "-1",
        }));

        Assert.Contains("MaxPublishSize = -1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_AndTheDelegate_ApplyInOrder()
    {
        await using var app = await AspNetApp.StartAsync(fastPath: false, https: false, configure: builder =>
            builder.Services.AddPulseHub(hub => hub.MaxPublishSize = 10).Configure(hub => hub.MaxPublishSize *= 3), map: app => app.MapPulseHub());

        Assert.Equal(30, app.App.Services.GetRequiredService<HubNode>().Options.MaxPublishSize);
    }

    [Fact]
    public async Task HealthChecks_ReportTheHub()
    {
        await using var app = await StartAsync(new() { ["Pulse:Hub:AllowAnonymous"] = "true" });
        using var http = new HttpClient { BaseAddress = app.BaseUri };
        await using var client = await HubClient.ConnectAsync(new Uri(app.WebSocketBaseUri, "ws"));

        using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative)).DefaultTimeout();
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body);
    }

    [Fact]
    public async Task ActivitySourcePulse_TracesHandshakePublishAndDelivery()
    {
        var channel = $"chat:traced-{Guid.NewGuid():N}";
        var stopped = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Pulse",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var app = await StartAsync(new() { ["Pulse:Hub:AllowAnonymous"] = "true" });

        await using var client = await HubClient.ConnectAsync(new Uri(app.WebSocketBaseUri, "ws"));
        var inbox = Channel.CreateUnbounded<HubMessage>();
        await using var subscription = await client.SubscribeAsync(channel, message => inbox.Writer.WriteAsync(message));
        var offset = await client.PublishAsync(channel, new { text = "traced" });
        await inbox.Reader.ReadAsync().AsTask().DefaultTimeout();

        var mine = stopped.Where(activity => activity.GetTagItem("messaging.destination.name") as string == channel).ToList();
        var publish = Assert.Single(mine, activity => activity.OperationName == "pulse.publish");
        Assert.Equal(offset, publish.GetTagItem("pulse.offset"));
        Assert.Equal(System.Diagnostics.ActivityKind.Producer, publish.Kind);
        var deliver = Assert.Single(mine, activity => activity.OperationName == "pulse.deliver");
        Assert.Equal(offset, deliver.GetTagItem("pulse.offset"));
        Assert.Contains(stopped, activity => activity.OperationName == "pulse.handshake" && activity.GetTagItem("url.path") as string == "/ws"
            && (int?)activity.GetTagItem("http.response.status_code") == 101 && activity.Status == System.Diagnostics.ActivityStatusCode.Ok);
    }

    private static Task<AspNetApp> StartAsync(Dictionary<string, string?> settings) =>
        AspNetApp.StartAsync(fastPath: false, https: false, configure: builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddPulseHub().BindConfiguration("Pulse:Hub");
        }, map: app =>
        {
            app.MapPulseHub();
            app.MapHealthChecks("/healthz");
        });
}
