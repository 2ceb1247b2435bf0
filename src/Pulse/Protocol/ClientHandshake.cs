namespace Pulse.Protocol;

/// <summary>The client side of the opening handshake (RFC 6455 §4.1): builds the request and checks the response.</summary>
public sealed class ClientHandshake
{
    /// <summary>Creates a handshake for <paramref name="uri"/> (scheme ws or wss).</summary>
    /// <param name="uri">The server's address; its path and query become the request target.</param>
    /// <param name="subprotocols">Subprotocols to offer, most preferred first.</param>
    /// <param name="origin">The <c>Origin</c> header to send, or null.</param>
    /// <param name="headers">Extra header fields, such as <c>Authorization</c>.</param>
    /// <param name="key">The <c>Sec-WebSocket-Key</c>; a new random one when null.</param>
    /// <exception cref="ArgumentException">The URI is not an absolute ws:// or wss:// URI.</exception>
    public ClientHandshake(Uri uri, IReadOnlyList<string>? subprotocols = null, string? origin = null, IEnumerable<KeyValuePair<string, string>>? headers = null, string? key = null) =>
        throw new NotImplementedException();

    /// <summary>The key sent.</summary>
    public string Key => throw new NotImplementedException();

    /// <summary>The request to send (Host, Upgrade, Connection, Sec-WebSocket-Key, -Version, and the optional fields).</summary>
    public HandshakeRequest Request => throw new NotImplementedException();

    /// <summary>
    /// Checks the server's response: status 101, <c>Upgrade: websocket</c>, <c>Connection: upgrade</c>, the
    /// right <c>Sec-WebSocket-Accept</c>, a subprotocol only if it was offered, no extension that was not offered.
    /// </summary>
    public ClientHandshakeResult Validate(HandshakeResponse response) => throw new NotImplementedException();
}
