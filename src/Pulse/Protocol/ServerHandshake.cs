namespace Pulse.Protocol;

/// <summary>
/// The server side of the opening handshake: checks a request and builds the response that accepts it, or the
/// refusal that says what is wrong. Over HTTP/1.1 that is an upgrade answered with 101 (RFC 6455 §4.2); over
/// HTTP/2 an extended CONNECT answered with 200 (RFC 8441).
/// </summary>
/// <remarks>
/// Immutable, so one instance may check every connection's request. Of the extensions, permessage-deflate
/// (RFC 7692) is negotiated when compression is enabled (<see cref="PerMessageDeflateNegotiation"/>); every offer
/// is returned in <see cref="ServerHandshakeResult.ExtensionOffers"/>.
/// </remarks>
public sealed class ServerHandshake
{
    private readonly OriginPolicy? _origins;
    private readonly string[] _subprotocols;
    private readonly CompressionOptions? _compression;

    /// <summary>Creates the handshake policy.</summary>
    /// <param name="origins">Allowed origins, or null to allow any.</param>
    /// <param name="subprotocols">Subprotocols the server speaks, most preferred first; empty for none.</param>
    /// <param name="compression">What permessage-deflate to accept; null (or disabled) accepts no extension.</param>
    /// <exception cref="ArgumentException">A subprotocol is not an HTTP token (RFC 6455 §4.1 item 10), or a compression setting is out of range.</exception>
    public ServerHandshake(OriginPolicy? origins, IReadOnlyList<string> subprotocols, CompressionOptions? compression = null)
    {
        ArgumentNullException.ThrowIfNull(subprotocols);
        foreach (var subprotocol in subprotocols)
        {
            if (subprotocol is null || !HttpSyntax.IsToken(subprotocol))
            {
                throw new ArgumentException($"The subprotocol '{subprotocol}' is not an HTTP token.", nameof(subprotocols));
            }
        }

        compression?.Validate();
        _origins = origins;
        _subprotocols = [.. subprotocols];
        _compression = compression;
    }

    /// <summary>
    /// Checks <paramref name="request"/>. Refusals: 405 when the method is not GET, 426 (with
    /// <c>Sec-WebSocket-Version: 13</c>) when the version is not 13 or the request is not an upgrade at all,
    /// 400 when a required header is missing or malformed, 403 when the origin is not allowed.
    /// The body of a refusal is one line of plain text saying why.
    /// </summary>
    public ServerHandshakeResult Accept(HandshakeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.Headers;

        // RFC 6455 §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
        if (request.Method != "GET")
        {
            return Refuse(405, $"the method must be GET, not {request.Method}", ("Allow", "GET"));
        }

        if (!IsAtLeastHttp11(request.Version))
        {
            return Refuse(400, $"HTTP/1.1 or later is required, not {request.Version}");
        }

        // RFC 9112 §3.2: a request without exactly one Host header gets 400.
        var hostCount = headers.CountOf("Host");
        if (hostCount != 1)
        {
            return Refuse(400, hostCount == 0 ? "missing Host header" : "more than one Host header");
        }

        // RFC 9110 §15.5.22: a 426 must say which protocol to upgrade to, and §7.8 pairs Upgrade with Connection.
        if (!headers.ListContains("Upgrade", "websocket"))
        {
            return UpgradeRequired("the request is not a WebSocket upgrade (Upgrade: websocket is missing)");
        }

        if (!headers.ListContains("Connection", "upgrade"))
        {
            return Refuse(400, "the Connection header must include upgrade");
        }

        // RFC 6455 §4.4: tell a client speaking another version which one we speak. Checked before the key,
        // whose rules belong to version 13.
        var version = headers["Sec-WebSocket-Version"];
        if (version != "13")
        {
            return UpgradeRequired(version is null ? "missing Sec-WebSocket-Version header" : "Sec-WebSocket-Version must be 13");
        }

        var keyCount = headers.CountOf("Sec-WebSocket-Key");
        if (keyCount != 1)
        {
            return Refuse(400, keyCount == 0 ? "missing Sec-WebSocket-Key header" : "more than one Sec-WebSocket-Key header");
        }

        var key = headers.FirstValue("Sec-WebSocket-Key")!;
        if (!WebSocketAccept.IsValidKey(key))
        {
            return Refuse(400, "invalid Sec-WebSocket-Key header; expected 16 bytes in base64");
        }

        var responseHeaders = new HeaderFields();
        responseHeaders.Add("Upgrade", "websocket");
        responseHeaders.Add("Connection", "Upgrade");
        responseHeaders.Add("Sec-WebSocket-Accept", WebSocketAccept.Compute(key));
        return Negotiate(headers, new HandshakeResponse(101, "Switching Protocols", responseHeaders));
    }

    /// <summary>
    /// Checks an HTTP/2 extended CONNECT request (RFC 8441 §4–5): the method is CONNECT and the
    /// <c>:protocol</c> pseudo-header, given as <paramref name="protocol"/>, is <c>websocket</c>. Accepted, the
    /// response is a 200 carrying the subprotocol and extensions agreed; RFC 8441 §5 drops the key, the accept
    /// hash and the Upgrade and Connection headers, which HTTP/2 forbids. Refusals: 405 when the method is not
    /// CONNECT, 400 for another protocol or a malformed header (with <c>Sec-WebSocket-Version: 13</c> when the
    /// version is wrong: HTTP/2 has no 426 upgrade), 403 when the origin is not allowed.
    /// </summary>
    public ServerHandshakeResult AcceptExtendedConnect(HandshakeRequest request, string? protocol)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method != "CONNECT")
        {
            return Refuse(405, $"the method must be CONNECT, not {request.Method}", ("Allow", "CONNECT"));
        }

        if (!string.Equals(protocol, "websocket", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(400, protocol is null ? "the extended CONNECT request has no :protocol" : $"the :protocol must be websocket, not {protocol}");
        }

        // RFC 8441 §5: Sec-WebSocket-Version keeps its RFC 6455 meaning.
        var version = request.Headers["Sec-WebSocket-Version"];
        if (version != "13")
        {
            return Refuse(400, version is null ? "missing Sec-WebSocket-Version header" : "Sec-WebSocket-Version must be 13", ("Sec-WebSocket-Version", "13"));
        }

        return Negotiate(request.Headers, new HandshakeResponse(200, "OK", new HeaderFields()));
    }

    /// <summary>
    /// What both versions of the handshake share once the request is well formed: the origin, the subprotocol
    /// and the extensions, answered in <paramref name="accepted"/>'s headers.
    /// </summary>
    private ServerHandshakeResult Negotiate(HeaderFields headers, HandshakeResponse accepted)
    {
        // RFC 6455 §4.2.2 item 4 and §10.2: refuse other sites' pages with 403.
        if (_origins is not null)
        {
            var origins = headers.GetValues("Origin").ToList();
            if (origins.Count > 1)
            {
                return Refuse(400, "more than one Origin header");
            }

            var origin = origins.Count == 0 ? null : origins[0];
            if (!_origins.IsAllowed(origin))
            {
                return Refuse(403, $"origin {origin} is not allowed");
            }
        }

        // Most clients offer neither subprotocols nor extensions: those handshakes skip the lists altogether.
        string? subprotocol = null;
        if (headers.Contains("Sec-WebSocket-Protocol"))
        {
            var offered = HttpSyntax.ListElements(headers.GetValues("Sec-WebSocket-Protocol"));
            if (offered.Find(element => !HttpSyntax.IsToken(element)) is not null)
            {
                return Refuse(400, "invalid Sec-WebSocket-Protocol header; expected a list of tokens");
            }

            // RFC 6455 §4.2.2 /subprotocol/: the server picks one of the client's, or none ("null") when none fits;
            // we pick by the server's preference, as the server knows which of its protocols is best.
            subprotocol = Array.Find(_subprotocols, offered.Contains);
        }

        IReadOnlyList<ExtensionOffer> extensionOffers = [];
        if (headers.Contains("Sec-WebSocket-Extensions"))
        {
            if (!ExtensionOffer.TryParse(headers.GetValues("Sec-WebSocket-Extensions"), out var offers, out var extensionError))
            {
                return Refuse(400, $"invalid Sec-WebSocket-Extensions header: {extensionError}");
            }

            extensionOffers = offers;
        }

        if (subprotocol is not null)
        {
            accepted.Headers.Add("Sec-WebSocket-Protocol", subprotocol);
        }

        // RFC 7692 §5.1: accept at most one permessage-deflate offer, the first acceptable, and answer with what was agreed.
        var compression = _compression is null ? null : PerMessageDeflateNegotiation.Negotiate(extensionOffers, _compression);
        if (compression is not null)
        {
            accepted.Headers.Add("Sec-WebSocket-Extensions", compression.ToString());
        }

        return new ServerHandshakeResult(true, accepted, subprotocol, extensionOffers, compression);
    }

    private static bool IsAtLeastHttp11(string version) =>
        version is "HTTP/2" or "HTTP/3" || version.Length == 8 && version.StartsWith("HTTP/", StringComparison.Ordinal) && version[6] == '.'
        && char.IsAsciiDigit(version[5]) && char.IsAsciiDigit(version[7])
        && (version[5] > '1' || (version[5] == '1' && version[7] >= '1'));

    private static ServerHandshakeResult UpgradeRequired(string why) =>
        Refuse(426, why, ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13"));

    private static ServerHandshakeResult Refuse(int status, string why, params ReadOnlySpan<(string Name, string Value)> headers)
    {
        var response = HandshakeResponse.Text(status, $"Failed to open a WebSocket connection: {why}.\n");
        foreach (var (name, value) in headers)
        {
            response.Headers.Add(name, value);
        }

        return new ServerHandshakeResult(false, response, null, []);
    }
}
