namespace Pulse.Protocol;

/// <summary>
/// The server side of the opening handshake (RFC 6455 §4.2): checks a request and builds the 101 response,
/// or the refusal that says what is wrong.
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

        var responseHeaders = new HttpHeaders();
        responseHeaders.Add("Upgrade", "websocket");
        responseHeaders.Add("Connection", "Upgrade");
        responseHeaders.Add("Sec-WebSocket-Accept", WebSocketAccept.Compute(key));
        if (subprotocol is not null)
        {
            responseHeaders.Add("Sec-WebSocket-Protocol", subprotocol);
        }

        // RFC 7692 §5.1: accept at most one permessage-deflate offer, the first acceptable, and answer with what was agreed.
        var compression = _compression is null ? null : PerMessageDeflateNegotiation.Negotiate(extensionOffers, _compression);
        if (compression is not null)
        {
            responseHeaders.Add("Sec-WebSocket-Extensions", compression.ToString());
        }

        var response = new HandshakeResponse(101, "Switching Protocols", responseHeaders);
        return new ServerHandshakeResult(true, response, subprotocol, extensionOffers, compression);
    }

    private static bool IsAtLeastHttp11(string version) =>
        version.Length == 8 && version.StartsWith("HTTP/", StringComparison.Ordinal) && version[6] == '.'
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
