using Pulse.Hub.Core;
using Pulse.Protocol;

namespace Pulse.Hub.Hosting;

public sealed partial class HubNode
{
    /// <summary>The subprotocols the hub speaks, preferred first.</summary>
    public static IReadOnlyList<string> Subprotocols => [.. Codecs.Select(c => c.Subprotocol)];

    /// <summary>
    /// Before the upgrade: a token in the <c>token</c> query parameter or an <c>Authorization: Bearer</c>
    /// header must be valid (401 otherwise, so a bad token never costs a connection).
    /// </summary>
    internal HandshakeResponse? ProcessRequest(HandshakeRequest request)
    {
        if (FindToken(request) is not { } token)
        {
            return null;
        }

        if (_tokens is null)
        {
            return HandshakeResponse.Text(401, "This hub accepts no tokens.\n");
        }

        // HS256 validation does no I/O: the task is complete when it returns.
        var (identity, error) = _tokens.ValidateAsync(token).GetAwaiter().GetResult();
        return identity is null ? HandshakeResponse.Text(401, $"Unauthorized: {error}.\n") : null;
    }

    /// <summary>Runs one hub connection from its upgrade to its end.</summary>
    internal async Task RunConnectionAsync(WebSocketConnection socket)
    {
        var codecIndex = Math.Max(0, Array.FindIndex(Codecs, c => c.Subprotocol == socket.Subprotocol));
        ClientIdentity? identity = null;
        if (FindToken(socket.Request) is { } token && _tokens is not null)
        {
            (identity, _) = await _tokens.ValidateAsync(token).ConfigureAwait(false);
        }

        if (identity is null && Options.AllowAnonymous && Options.OnConnect is { } onConnect)
        {
            try
            {
                await onConnect(new ConnectContext(socket.Id, "", socket)).ConfigureAwait(false);
            }
            catch (HubException e)
            {
                await socket.CloseAsync(CloseCode.PolicyViolation, e.Message).ConfigureAwait(false);
                return;
            }
        }

        var connection = new HubConnection(this, socket, Codecs[codecIndex], codecIndex, identity);
        Register(connection);
        Log.Connected(_logger, connection.ClientId, identity?.User ?? "", socket.RemoteEndPoint?.ToString() ?? "", Codecs[codecIndex].Subprotocol);
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            Unregister(connection);
        }
    }

    private static string? FindToken(HandshakeRequest request)
    {
        if (request.Headers["Authorization"] is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (request.Query is { Length: > 0 } query)
        {
            foreach (var part in query.Split('&'))
            {
                if (part.StartsWith("token=", StringComparison.Ordinal))
                {
                    return Uri.UnescapeDataString(part["token=".Length..]);
                }
            }
        }

        return null;
    }
}
