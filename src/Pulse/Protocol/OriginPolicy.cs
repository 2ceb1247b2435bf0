#if !NET9_0_OR_GREATER
using Pulse.Internal;
#endif
using System.Globalization;

namespace Pulse.Protocol;

/// <summary>
/// Which <c>Origin</c> headers a server accepts (RFC 6455 §10.2): exact origins such as <c>https://example.com</c>
/// and wildcard subdomains such as <c>https://*.example.com</c>, compared case-insensitively.
/// </summary>
/// <remarks>
/// <para>
/// A request without an <c>Origin</c> header is accepted: browsers always send one, so only non-browser clients,
/// which could send any value anyway, omit it. The check exists to stop other sites' pages.
/// </para>
/// <para>
/// <c>https://*.example.com</c> matches every subdomain at any depth (<c>https://a.example.com</c>,
/// <c>https://a.b.example.com</c>) but not <c>https://example.com</c> itself: list both entries to allow both.
/// Scheme and port must match too; a default port (80 for http and ws, 443 for https and wss) may be written or
/// left out. The entry <c>null</c> allows the <c>Origin: null</c> that sandboxed pages and <c>file:</c> URLs
/// send; only list it if such pages should connect.
/// </para>
/// <para>Immutable, so one instance may be shared by every connection.</para>
/// </remarks>
public sealed class OriginPolicy
{
    private readonly List<Origin> _allowed = [];
    private readonly bool _allowsNull;

    /// <summary>Creates a policy from allowed origins.</summary>
    /// <exception cref="ArgumentException">An entry is not of the form <c>scheme://host[:port]</c> or <c>scheme://*.host[:port]</c>.</exception>
    public OriginPolicy(IEnumerable<string> allowedOrigins)
    {
        ArgumentNullException.ThrowIfNull(allowedOrigins);
        foreach (var entry in allowedOrigins)
        {
            if (entry is null)
            {
                throw new ArgumentException("An allowed origin is null.", nameof(allowedOrigins));
            }

            if (string.Equals(entry, "null", StringComparison.OrdinalIgnoreCase))
            {
                _allowsNull = true;
            }
            else if (Origin.TryParse(entry, allowWildcard: true) is { } origin)
            {
                _allowed.Add(origin);
            }
            else
            {
                throw new ArgumentException($"The allowed origin '{entry}' is not of the form scheme://host[:port] or scheme://*.host[:port], without a path or a trailing slash.", nameof(allowedOrigins));
            }
        }
    }

    /// <summary>Whether a request with this <c>Origin</c> header (null when absent) is allowed.</summary>
    public bool IsAllowed(string? origin)
    {
        if (origin is null)
        {
            return true;
        }

        // RFC 6454 §7.1: "null" is the serialization of an opaque origin, not a host name.
        if (string.Equals(origin, "null", StringComparison.OrdinalIgnoreCase))
        {
            return _allowsNull;
        }

        if (Origin.TryParse(origin, allowWildcard: false) is not { } candidate)
        {
            return false;
        }

        foreach (var allowed in _allowed)
        {
            if (allowed.Matches(candidate))
            {
                return true;
            }
        }

        return false;
    }

    // RFC 6454 §6.2: an origin serializes as scheme "://" host [ ":" port ], lowercase, with no path.
    private sealed record Origin(string Scheme, string Host, int Port, bool Wildcard)
    {
        private const int NoPort = -1;

        public bool Matches(Origin candidate)
        {
            if (Scheme != candidate.Scheme || Port != candidate.Port)
            {
                return false;
            }

            // A parsed host has no empty label, so a match of ".host" always has a subdomain in front of it.
            return Wildcard ? candidate.Host.EndsWith($".{Host}", StringComparison.Ordinal) : Host == candidate.Host;
        }

        public static Origin? TryParse(string text, bool allowWildcard)
        {
            var separator = text.IndexOf("://", StringComparison.Ordinal);
            if (separator <= 0 || !IsScheme(text.AsSpan(0, separator)))
            {
                return null;
            }

            var scheme = text[..separator].ToLowerInvariant();
            var rest = text.AsSpan(separator + 3);
            var wildcard = allowWildcard && rest.StartsWith("*.");
            if (wildcard)
            {
                rest = rest[2..];
            }

            int hostLength;
            if (rest.StartsWith("["))
            {
                hostLength = rest.IndexOf(']') + 1;
                if (wildcard || hostLength < 3 || !IsIPv6Literal(rest[1..(hostLength - 1)]))
                {
                    return null;
                }
            }
            else
            {
                hostLength = rest.IndexOf(':') is var colon and >= 0 ? colon : rest.Length;
                if (!IsDnsName(rest[..hostLength]))
                {
                    return null;
                }
            }

            var host = rest[..hostLength].ToString().ToLowerInvariant();
            var portText = rest[hostLength..];
            var port = NoPort;
            if (!portText.IsEmpty)
            {
                if (portText[0] != ':' || portText.Length is < 2 or > 6 || portText[1..].ContainsAnyExceptInRange('0', '9')
                    || !int.TryParse(portText[1..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                {
                    return null;
                }

                // Browsers leave out the default port (RFC 6454 §6.2), so an entry that writes it must still match.
                if (port == DefaultPort(scheme))
                {
                    port = NoPort;
                }
            }

            return new Origin(scheme, host, port, wildcard);
        }

        private static int DefaultPort(string scheme) => scheme switch
        {
            "http" or "ws" => 80,
            "https" or "wss" => 443,
            _ => NoPort,
        };

        // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        private static bool IsScheme(ReadOnlySpan<char> scheme)
        {
            if (!char.IsAsciiLetter(scheme[0]))
            {
                return false;
            }

            foreach (var c in scheme)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
                {
                    return false;
                }
            }

            return true;
        }

        // Origins carry the ASCII (punycode) form of a host name: dot-separated, non-empty labels.
        private static bool IsDnsName(ReadOnlySpan<char> host)
        {
            if (host.IsEmpty)
            {
                return false;
            }

            foreach (var range in host.Split('.'))
            {
                var label = host[range];
                if (label.IsEmpty)
                {
                    return false;
                }

                foreach (var c in label)
                {
                    if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static bool IsIPv6Literal(ReadOnlySpan<char> address)
        {
            if (!address.Contains(':'))
            {
                return false;
            }

            foreach (var c in address)
            {
                if (!char.IsAsciiHexDigit(c) && c is not (':' or '.'))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
