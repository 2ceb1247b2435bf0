using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Pulse.Protocol;

namespace Pulse.Hosting;

/// <summary>
/// A Kestrel connection middleware that reads the first request head itself: a WebSocket upgrade to a
/// registered path is answered and run right here on the transport's pipes, skipping the HTTP pipeline and
/// its per-connection state; anything else goes on, byte for byte, to the HTTP pipeline behind it.
/// </summary>
internal sealed partial class WebSocketUpgradeMiddleware(ConnectionDelegate next, WebSocketEndpointRegistry registry, ILogger logger)
{
    public async Task OnConnectionAsync(ConnectionContext context)
    {
        var input = context.Transport.Input;
        ReadResult result;
        WebSocketEndpoint? upgradeTo = null;
        HandshakeRequest? upgradeRequest = null;

        // The deadline covers reading the head only; it is disposed before the upgrade runs, so an open
        // connection does not keep its CancellationTokenSource and timer until the deadline passes.
        using (var deadline = new CancellationTokenSource(registry.HandshakeTimeout))
        {
            while (true)
            {
                try
                {
                    result = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // A client that never finishes its request head (slowloris) is dropped.
                    Log.HandshakeTimeout(logger, context.RemoteEndPoint?.ToString() ?? "");
                    context.Abort();
                    return;
                }

                var buffer = result.Buffer;
                var status = HttpParser.TryParseRequest(ref buffer, out var request, out _);
                if (status == HttpParseStatus.Incomplete && !result.IsCompleted && !result.IsCanceled)
                {
                    input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    continue;
                }

                if (status == HttpParseStatus.Complete && IsWebSocketUpgrade(request!) && registry.Find(request!) is { } endpoint)
                {
                    input.AdvanceTo(buffer.Start);
                    upgradeTo = endpoint;
                    upgradeRequest = request;
                }

                break;
            }
        }

        if (upgradeTo is not null)
        {
            await UpgradeAsync(context, upgradeTo, upgradeRequest!).ConfigureAwait(false);
            return;
        }

        // Not ours: the HTTP pipeline gets the read still in progress, so it sees every byte we looked at.
        context.Transport = new DuplexPipe(new PeekedPipeReader(input, result), context.Transport.Output);
        await next(context).ConfigureAwait(false);
    }

    private static async Task UpgradeAsync(ConnectionContext context, WebSocketEndpoint endpoint, HandshakeRequest request)
    {
        var client = endpoint.ClientEndPoint(request, context.RemoteEndPoint);
        var decision = endpoint.Decide(request, client);
        var output = context.Transport.Output;
        if (!decision.Accepted && !decision.Response.Headers.Contains("Connection"))
        {
            decision.Response.Headers.Add("Connection", "close");
        }

        HttpParser.WriteResponse(output, decision.Response);
        try
        {
            await output.FlushAsync().ConfigureAwait(false);
        }
        catch
        {
            if (decision.Accepted)
            {
                endpoint.Release(client);
            }

            throw;
        }

        if (decision.Accepted)
        {
            await endpoint.RunAsync(context.Transport, context.Abort, request, decision, client).ConfigureAwait(false);
        }
    }

    private static bool IsWebSocketUpgrade(HandshakeRequest request) =>
        request.Headers["Upgrade"] is { } upgrade && upgrade.Contains("websocket", StringComparison.OrdinalIgnoreCase);

    private static partial class Log
    {
        [LoggerMessage(21, LogLevel.Information, "Dropped {RemoteAddress}: no complete request head within the handshake timeout", EventName = "HandshakeTimeout")]
        public static partial void HandshakeTimeout(ILogger logger, string remoteAddress);
    }
}
