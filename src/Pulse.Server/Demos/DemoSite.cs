using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Pulse.Hub.Hosting;

namespace Pulse.Server.Demos;

/// <summary>
/// The demo pages of <c>pulse serve</c> (<c>/</c>, <c>/chat</c>, <c>/counter</c>, <c>/clock</c>, <c>/logs</c>,
/// <c>/status</c>, and <c>/pulse.js</c>) and the server side they need: the hub namespaces, the counter's state,
/// the clock and the demo worker's log tail, published only while someone watches. Served only when
/// <see cref="ServeOptions.ServesDemos"/> says so.
/// </summary>
internal sealed partial class DemoSite : IHostedService, IDisposable
{
    private static readonly TimeSpan s_tick = TimeSpan.FromSeconds(1);

    private readonly CounterDemo _counter = new();
    private readonly LogTailDemo _logs = new();
    private readonly HubTokens? _tokens;
    private readonly CancellationTokenSource _stopping = new();
    private HubNode? _node;
    private Task _loop = Task.CompletedTask;

    /// <param name="developmentTokenSecret">
    /// The development secret when the server signs tokens with it, else null. Only then does
    /// <c>/demos/token</c> hand out tokens for a nickname: with a real secret, tokens come from its owner.
    /// </param>
    public DemoSite(string? developmentTokenSecret)
    {
        _tokens = developmentTokenSecret is null ? null : new HubTokens(developmentTokenSecret);
    }

    /// <summary>Adds the demo namespaces and the counter's publish hook to the hub's options.</summary>
    public void ConfigureHub(HubOptions hub)
    {
        DemoChannels.AddNamespaces(hub);
        var next = hub.OnPublish;
        hub.OnPublish = async context =>
        {
            if (next is not null)
            {
                await next(context).ConfigureAwait(false);
            }

            await _counter.OnPublishAsync(context).ConfigureAwait(false);
        };
    }

    /// <summary>Maps the pages, <c>/pulse.js</c> and <c>/demos/token</c>.</summary>
    public void Map(WebApplication app, HubNode node)
    {
        _node = node;
        _counter.Attach(node);
        foreach (var (route, file) in DemoAssets.Routes)
        {
            var bytes = DemoAssets.Read(file);
            var contentType = DemoAssets.ContentType(file);
            app.MapGet(route, (HttpResponse response) =>
            {
                response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, contentType);
            });
        }

        app.MapGet("/demos/token", (string? user) => IssueToken(user));
    }

    private IResult IssueToken(string? user)
    {
        if (_tokens is null)
        {
            return Results.Text("demo tokens are only issued with the development secret; get a token from the server's owner (pulse token)\n", statusCode: StatusCodes.Status404NotFound);
        }

        if (user is null || !NicknamePattern().IsMatch(user))
        {
            return Results.Text("user must be 1 to 24 letters, digits, spaces, '-' or '_'\n", statusCode: StatusCodes.Status400BadRequest);
        }

        return Results.Json(new { token = _tokens.Create(user, null, TimeSpan.FromHours(12)) });
    }

    [GeneratedRegex(@"^[\p{L}\p{Nd} _-]{1,24}$")]
    private static partial Regex NicknamePattern();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _counter.Dispose();
    }

    /// <summary>Once a second: the clock and the log tail, each only while someone watches its channel.</summary>
    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(s_tick);
        try
        {
            do
            {
                await TickAsync(stopping).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task TickAsync(CancellationToken stopping)
    {
        if (_node is null)
        {
            return;
        }

        // Channels lists this node's subscribed channels; once a second is cheap enough even with many.
        var watched = _node.ConnectionCount == 0 ? null : _node.Channels;
        if (watched?.ContainsKey(DemoChannels.Clock) == true)
        {
            await PublishAsync(DemoChannels.Clock, new { time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, stopping).ConfigureAwait(false);
        }

        if (watched?.ContainsKey(DemoChannels.Logs) == true)
        {
            var line = _logs.NextLine();
            await PublishAsync(DemoChannels.Logs, new { time = line.Time, level = line.Level, category = line.Category, text = line.Text }, stopping).ConfigureAwait(false);
        }
    }

    private async Task PublishAsync<T>(string channel, T value, CancellationToken stopping)
    {
        try
        {
            await _node!.PublishAsJsonAsync(channel, value, cancellationToken: stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An engine failure (Redis down) loses one demo line; the next tick tries again.
        }
    }
}
