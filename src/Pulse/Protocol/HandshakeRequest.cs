namespace Pulse.Protocol;

/// <summary>The HTTP request that opens a WebSocket connection (RFC 6455 §4.1), as parsed or as built by a client.</summary>
public sealed class HandshakeRequest
{
    /// <summary>Creates a request.</summary>
    public HandshakeRequest(string method, string target, HeaderFields headers, string version = "HTTP/1.1")
    {
        Method = method;
        Target = target;
        Headers = headers;
        Version = version;
        var query = target.IndexOf('?', StringComparison.Ordinal);
        Path = query < 0 ? target : target[..query];
        Query = query < 0 ? null : target[(query + 1)..];
    }

    /// <summary>The method, such as <c>GET</c>.</summary>
    public string Method { get; }

    /// <summary>The request target as sent: path and query.</summary>
    public string Target { get; }

    /// <summary>The path part of the target, such as <c>/echo</c>.</summary>
    public string Path { get; }

    /// <summary>The query part of the target without the <c>?</c>, or null.</summary>
    public string? Query { get; }

    /// <summary>The HTTP version, such as <c>HTTP/1.1</c>.</summary>
    public string Version { get; }

    /// <summary>The header fields.</summary>
    public HeaderFields Headers { get; }
}
