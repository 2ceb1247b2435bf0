using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Pulse.Protocol;

namespace Pulse.Hosting;

internal sealed partial class WebSocketEndpoint
{
    /// <summary>
    /// Serves the path through the ASP.NET Core pipeline: answers plain requests (426, ProcessRequest) and runs
    /// upgrades through the HTTP upgrade feature, with the same core as the connection middleware.
    /// </summary>
    public async Task HandleHttpAsync(HttpContext context)
    {
        var request = ToHandshakeRequest(context.Request);
        var peer = context.Connection.RemoteIpAddress is { } address ? new IPEndPoint(address, context.Connection.RemotePort) : null;
        var remote = ClientEndPoint(request, peer);
        var decision = Decide(request, remote);
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (decision.Accepted && upgrade is not { IsUpgradableRequest: true })
        {
            // HTTP/2 and other requests Kestrel cannot upgrade: RFC 6455 needs HTTP/1.1.
            Release(remote);
            decision = Refuse(426, "WebSocket upgrades need HTTP/1.1");
        }

        var response = decision.Response;
        if (!decision.Accepted)
        {
            context.Response.StatusCode = response.StatusCode;
            CopyHeaders(response, context.Response);
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        CopyHeaders(response, context.Response);
        Stream stream;
        try
        {
            stream = await upgrade!.UpgradeAsync().ConfigureAwait(false);
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

    private static void CopyHeaders(HandshakeResponse from, HttpResponse to)
    {
        foreach (var (name, value) in from.Headers)
        {
            // Kestrel writes Connection: Upgrade itself on a 101 and frames bodies with its own Content-Length.
            if (!name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                to.Headers.Append(name, value);
            }
        }
    }

    private static HandshakeRequest ToHandshakeRequest(HttpRequest request)
    {
        var headers = new HttpHeaders();
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
