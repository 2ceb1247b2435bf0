using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Pulse.Protocol;

namespace Pulse.Hosting;

/// <summary>
/// The Kestrel connection middleware of the fast path. The app's pipeline decides every upgrade; one it
/// accepts leaves Kestrel's HTTP layer and runs straight on the transport (<see cref="PipelineHandOff"/>).
/// Only where the host's pipeline has no middleware at all (<see cref="WebSocketEndpointRegistry.DecidesAlone"/>)
/// does this middleware read the request head and answer the upgrade itself, skipping the per-request work.
/// </summary>
internal sealed partial class WebSocketUpgradeMiddleware(ConnectionDelegate next, WebSocketEndpointRegistry registry, ILogger logger)
{
    private static readonly byte[] s_http2 = Encoding.ASCII.GetBytes("h2");

    public async Task OnConnectionAsync(ConnectionContext context)
    {
        // HTTP/2 multiplexes requests on the connection: its WebSockets (RFC 8441) are streams of Kestrel's.
        if (IsHttp2(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var transport = context.Transport;
        if (registry.AnyDecidesAlone)
        {
            var (decidedHere, pending) = await TryUpgradeHereAsync(context).ConfigureAwait(false);
            if (decidedHere || pending is null)
            {
                return;
            }

            // The HTTP pipeline gets the read still in progress, so it sees every byte we looked at.
            transport = new DuplexPipe(new PeekedPipeReader(context.Transport.Input, pending.Value), context.Transport.Output);
        }

        var handOff = new PipelineHandOff(context, transport);
        await next(handOff).ConfigureAwait(false);
        if (handOff.Upgrade is { } upgrade)
        {
            await upgrade.Endpoint.RunAsync(handOff.Transport, context.Abort, upgrade.Request, upgrade.Decision, upgrade.Client).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the first request head; an upgrade to an endpoint that decides alone is answered and run here.
    /// Returns whether it was, or else the read in progress for the pipeline (null when the connection is gone).
    /// </summary>
    private async Task<(bool DecidedHere, ReadResult? Pending)> TryUpgradeHereAsync(ConnectionContext context)
    {
        var input = context.Transport.Input;
        ReadResult result;

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
                    return (false, null);
                }

                var buffer = result.Buffer;
                var status = HttpParser.TryParseRequest(ref buffer, out var request, out _);
                if (status == HttpParseStatus.Incomplete && !result.IsCompleted && !result.IsCanceled)
                {
                    input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    continue;
                }

                if (status == HttpParseStatus.Complete && IsWebSocketUpgrade(request!) && registry.Find(request!) is { } endpoint && registry.DecidesAlone(endpoint))
                {
                    input.AdvanceTo(buffer.Start);
                    await UpgradeAsync(context, endpoint, request!).ConfigureAwait(false);
                    return (true, null);
                }

                return (false, result);
            }
        }
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

    private static bool IsHttp2(ConnectionContext context) =>
        context.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol.Span.SequenceEqual(s_http2) == true;

    private static bool IsWebSocketUpgrade(HandshakeRequest request) =>
        request.Headers["Upgrade"] is { } upgrade && upgrade.Contains("websocket", StringComparison.OrdinalIgnoreCase);

    private static partial class Log
    {
        [LoggerMessage(501, LogLevel.Debug, "Dropped {RemoteAddress}: no complete request head within the handshake timeout", EventName = "HandshakeTimeout")]
        public static partial void HandshakeTimeout(ILogger logger, string remoteAddress);
    }
}
