using System.Globalization;

namespace Pulse.Protocol;

/// <summary>The client side of the opening handshake (RFC 6455 §4.1): builds the request and checks the response.</summary>
/// <remarks>
/// <para>
/// Extra headers come after the WebSocket ones. They may replace <c>Host</c> (to reach a virtual host through an
/// address, or through a tunnel), but not the fields the handshake owns: <c>Upgrade</c>, <c>Connection</c>,
/// <c>Sec-WebSocket-Key</c>, <c>Sec-WebSocket-Version</c>, <c>Sec-WebSocket-Accept</c> and
/// <c>Sec-WebSocket-Extensions</c>, nor <c>Origin</c> and <c>Sec-WebSocket-Protocol</c>, which have parameters
/// of their own. User information in the URI (<c>ws://user:password@host</c>) is not sent: pass an
/// <c>Authorization</c> header.
/// </para>
/// <para>
/// The only extension offered is permessage-deflate (RFC 7692), when compression is enabled; a response that
/// accepts any other, or answers the offer with parameters it did not allow, is refused (RFC 7692 §7.1).
/// </para>
/// </remarks>
public sealed class ClientHandshake
{
    private static readonly string[] s_reservedHeaders =
    [
        "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Accept",
        "Sec-WebSocket-Extensions", "Origin", "Sec-WebSocket-Protocol",
    ];

    private readonly string[] _subprotocols;
    private readonly CompressionOptions? _compression;

    /// <summary>Creates a handshake for <paramref name="uri"/> (scheme ws or wss).</summary>
    /// <param name="uri">The server's address; its path and query become the request target.</param>
    /// <param name="subprotocols">Subprotocols to offer, most preferred first.</param>
    /// <param name="origin">The <c>Origin</c> header to send, or null.</param>
    /// <param name="headers">Extra header fields, such as <c>Authorization</c>.</param>
    /// <param name="key">The <c>Sec-WebSocket-Key</c>; a new random one when null.</param>
    /// <param name="compression">The permessage-deflate offer to make; null (or disabled) offers none.</param>
    /// <exception cref="ArgumentException">
    /// The URI is not an absolute ws:// or wss:// URI, or has a fragment (RFC 6455 §3); or a subprotocol is not a
    /// token, a header is not a valid field or is one the handshake sets itself, the key is not 16 bytes in base64, or a
    /// compression setting is out of range.
    /// </exception>
    public ClientHandshake(Uri uri, IReadOnlyList<string>? subprotocols = null, string? origin = null, IEnumerable<KeyValuePair<string, string>>? headers = null, string? key = null, CompressionOptions? compression = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            throw new ArgumentException($"'{uri}' is not an absolute ws:// or wss:// URI.", nameof(uri));
        }

        // RFC 6455 §3: "Fragment identifiers are meaningless in the context of WebSocket URIs".
        if (uri.Fragment.Length > 0)
        {
            throw new ArgumentException($"'{uri}' has a fragment, which WebSocket URIs must not have.", nameof(uri));
        }

        _subprotocols = [.. subprotocols ?? []];
        foreach (var subprotocol in _subprotocols)
        {
            if (subprotocol is null || !HttpSyntax.IsToken(subprotocol))
            {
                throw new ArgumentException($"The subprotocol '{subprotocol}' is not an HTTP token.", nameof(subprotocols));
            }
        }

        if (origin is not null && (origin.Length == 0 || !HttpSyntax.IsFieldValue(origin)))
        {
            throw new ArgumentException("The origin is empty or holds a control character.", nameof(origin));
        }

        if (key is not null && !WebSocketAccept.IsValidKey(key))
        {
            throw new ArgumentException("The key is not 16 bytes in base64.", nameof(key));
        }

        Key = key ?? WebSocketAccept.NewKey();

        var extra = new List<KeyValuePair<string, string>>();
        var host = FormatHost(uri);
        foreach (var (name, value) in headers ?? [])
        {
            if (name is null || !HttpSyntax.IsToken(name) || value is null || !HttpSyntax.IsFieldValue(value))
            {
                throw new ArgumentException($"The header '{name}: {value}' is not a valid HTTP field.", nameof(headers));
            }

            if (Array.Exists(s_reservedHeaders, reserved => string.Equals(reserved, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"The {name} header is set by the handshake and cannot be passed in headers.", nameof(headers));
            }

            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                host = value;
            }
            else
            {
                extra.Add(new(name, value));
            }
        }

        var fields = new HeaderFields();
        fields.Add("Host", host);
        fields.Add("Upgrade", "websocket");
        fields.Add("Connection", "Upgrade");
        fields.Add("Sec-WebSocket-Key", Key);
        fields.Add("Sec-WebSocket-Version", "13");
        if (origin is not null)
        {
            fields.Add("Origin", origin);
        }

        if (_subprotocols.Length > 0)
        {
            fields.Add("Sec-WebSocket-Protocol", string.Join(", ", _subprotocols));
        }

        compression?.Validate();
        _compression = compression is { Enabled: true } ? compression : null;
        if (_compression is not null)
        {
            fields.Add("Sec-WebSocket-Extensions", ExtensionOffer.Format([PerMessageDeflateNegotiation.CreateOffer(_compression)!]));
        }

        foreach (var (name, value) in extra)
        {
            fields.Add(name, value);
        }

        // RFC 6455 §3: the path may not be empty; Uri already gives "/" for ws://host, but be sure.
        var target = uri.PathAndQuery.Length == 0 ? "/" : uri.PathAndQuery;
        Request = new HandshakeRequest("GET", target, fields);
    }

    /// <summary>The key sent.</summary>
    public string Key { get; }

    /// <summary>The request to send (Host, Upgrade, Connection, Sec-WebSocket-Key, -Version, and the optional fields).</summary>
    public HandshakeRequest Request { get; }

    /// <summary>
    /// Checks the server's response: status 101, <c>Upgrade: websocket</c>, <c>Connection: upgrade</c>, the
    /// right <c>Sec-WebSocket-Accept</c>, a subprotocol only if it was offered, no extension that was not offered.
    /// </summary>
    public ClientHandshakeResult Validate(HandshakeResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;

        // RFC 6455 §4.1, the client's checks of the response, in the order the RFC lists them.
        if (response.StatusCode != 101)
        {
            return Fail($"server rejected WebSocket connection: HTTP {response.StatusCode.ToString(CultureInfo.InvariantCulture)}");
        }

        if (!HttpSyntax.ListContains(headers.GetValues("Upgrade"), "websocket"))
        {
            return Fail(headers.Contains("Upgrade") ? "invalid Upgrade header; expected websocket" : "missing Upgrade header");
        }

        if (!HttpSyntax.ListContains(headers.GetValues("Connection"), "upgrade"))
        {
            return Fail(headers.Contains("Connection") ? "invalid Connection header; expected upgrade" : "missing Connection header");
        }

        var accept = headers.GetValues("Sec-WebSocket-Accept").ToList();
        if (accept.Count != 1)
        {
            return Fail(accept.Count == 0 ? "missing Sec-WebSocket-Accept header" : "more than one Sec-WebSocket-Accept header");
        }

        if (accept[0] != WebSocketAccept.Compute(Key))
        {
            return Fail("invalid Sec-WebSocket-Accept header; it does not match the key sent");
        }

        if (!ExtensionOffer.TryParse(headers.GetValues("Sec-WebSocket-Extensions"), out var extensions, out var extensionError))
        {
            return Fail($"invalid Sec-WebSocket-Extensions header: {extensionError}");
        }

        // RFC 6455 §4.1: an extension "not present in the client's handshake" fails the connection.
        PerMessageDeflateParameters? compression = null;
        foreach (var extension in extensions)
        {
            if (_compression is null || !PerMessageDeflateNegotiation.IsPerMessageDeflate(extension))
            {
                return Fail($"server accepted extension {extension.Name}, which was not offered");
            }

            // RFC 7692 §5.1: the server accepts at most one of the offers; we made one.
            if (compression is not null)
            {
                return Fail($"server accepted {PerMessageDeflateParameters.ExtensionName} more than once");
            }

            if (!PerMessageDeflateNegotiation.TryAcceptResponse(extension, _compression, out compression, out var deflateError))
            {
                return Fail($"invalid {PerMessageDeflateParameters.ExtensionName} response: {deflateError}");
            }
        }

        // RFC 6455 §4.1: a subprotocol "that was not present in the client's handshake" fails the connection;
        // RFC 6455 §4.2.2 lets the server send at most one.
        var subprotocols = HttpSyntax.ListElements(headers.GetValues("Sec-WebSocket-Protocol"));
        if (subprotocols.Count > 1)
        {
            return Fail("server chose more than one subprotocol");
        }

        string? subprotocol = null;
        if (subprotocols.Count == 1)
        {
            subprotocol = subprotocols[0];
            if (!Array.Exists(_subprotocols, offered => offered == subprotocol))
            {
                return Fail($"server chose subprotocol {subprotocol}, which was not offered");
            }
        }

        return new ClientHandshakeResult(true, subprotocol, extensions, null, compression);
    }

    private static ClientHandshakeResult Fail(string error) => new(false, null, [], error);

    // RFC 6455 §4.1 item 4 and RFC 9112 §3.2: host, then ":port" unless it is the scheme's default.
    private static string FormatHost(Uri uri)
    {
        // Uri.Host brackets an IPv6 address (and drops a zone id, which has no place in Host); IdnHost gives the
        // ASCII form of an internationalized name.
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return uri.IsDefaultPort ? host : $"{host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
    }
}
