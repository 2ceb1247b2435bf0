namespace Pulse.Protocol;

/// <summary>
/// Which <c>Origin</c> headers a server accepts (RFC 6455 §10.2): exact origins such as <c>https://example.com</c>
/// and wildcard subdomains such as <c>https://*.example.com</c>, compared case-insensitively.
/// </summary>
/// <remarks>
/// A request without an <c>Origin</c> header is accepted: browsers always send one, so only non-browser clients,
/// which could send any value anyway, omit it. The check exists to stop other sites' pages.
/// </remarks>
public sealed class OriginPolicy
{
    /// <summary>Creates a policy from allowed origins.</summary>
    /// <exception cref="ArgumentException">An entry is not of the form <c>scheme://host[:port]</c> or <c>scheme://*.host[:port]</c>.</exception>
    public OriginPolicy(IEnumerable<string> allowedOrigins) => throw new NotImplementedException();

    /// <summary>Whether a request with this <c>Origin</c> header (null when absent) is allowed.</summary>
    public bool IsAllowed(string? origin) => throw new NotImplementedException();
}
