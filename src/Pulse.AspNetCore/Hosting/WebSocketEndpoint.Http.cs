using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Pulse.Protocol;

namespace Pulse.Hosting;

internal sealed partial class WebSocketEndpoint
{
    /// <summary>
    /// Serves the path at the end of the app's pipeline, which has let the request through: answers plain
    /// requests (426, ProcessRequest) and runs upgrades with the same core as the connection middleware. An
    /// HTTP/1.1 upgrade runs on the transport itself when the listener has the fast path
    /// (<see cref="PipelineHandOff"/>), else on the upgrade stream; an HTTP/2 extended CONNECT (RFC 8441) on its
    /// stream.
    /// </summary>
    public async Task HandleHttpAsync(HttpContext context)
    {
        var connect = context.Features.Get<IHttpExtendedConnectFeature>();
        var overHttp2 = connect is { IsExtendedConnect: true };
        var request = ToHandshakeRequest(context.Request);
        var peer = context.Connection.RemoteIpAddress is { } address ? new IPEndPoint(address, context.Connection.RemotePort) : null;
        var remote = ClientEndPoint(request, peer);
        var decision = Decide(request, remote, overHttp2 ? connect!.Protocol : null);
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (decision.Accepted && !overHttp2 && upgrade is not { IsUpgradableRequest: true })
        {
            // An HTTP/1.0 request, or one Kestrel cannot upgrade for another reason.
            Release(remote);
            decision = Refuse(426, "WebSocket upgrades need HTTP/1.1, or an extended CONNECT over HTTP/2");
        }

        var response = decision.Response;
        if (!decision.Accepted)
        {
            context.Response.StatusCode = response.StatusCode;
            context.Response.ContentLength = response.Body.Length;
            CopyHeaders(response, context.Response, !HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol));
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        CopyHeaders(response, context.Response, !overHttp2);
        var handOff = overHttp2 ? null : context.Features.Get<PipelineHandOff>();
        Stream stream;
        try
        {
            if (handOff is not null)
            {
                // Kestrel writes the 101 with every header the pipeline set; then the connection is ours.
                await upgrade!.UpgradeAsync().ConfigureAwait(false);
                handOff.HandOff(this, request, decision, remote);
                return;
            }

            stream = overHttp2 ? await connect!.AcceptAsync().ConfigureAwait(false) : await upgrade!.UpgradeAsync().ConfigureAwait(false);
        }
        catch
        {
            Release(remote);
            throw;
        }

        await using (stream.ConfigureAwait(false))
        {
            await RunAsync(DuplexPipe.Over(stream), context.Abort, request, decision, remote).ConfigureAwait(false);
        }
    }

    private static void CopyHeaders(HandshakeResponse from, HttpResponse to, bool http11)
    {
        foreach (var (name, value) in from.Headers)
        {
            // Kestrel writes Connection: Upgrade itself on a 101 and frames bodies with its own Content-Length;
            // HTTP/2 and 3 have no Upgrade header (RFC 9113 §8.2.2).
            if (!name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && (http11 || !name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)))
            {
                to.Headers.Append(name, value);
            }
        }
    }

    private static HandshakeRequest ToHandshakeRequest(HttpRequest request)
    {
        var headers = new HeaderFields();
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(name, value ?? "");
            }
        }

        var target = $"{request.PathBase}{request.Path}{request.QueryString}";
        return new HandshakeRequest(request.Method, target.Length == 0 ? "/" : target, headers, request.Protocol);
    }
}
