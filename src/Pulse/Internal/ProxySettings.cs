namespace Pulse.Internal;

/// <summary>Which HTTP proxy, if any, a client uses for a URI: the configured one, else HTTPS_PROXY/HTTP_PROXY minus NO_PROXY.</summary>
internal static class ProxySettings
{
    public static Uri? Resolve(Uri target, Uri? configured, bool useEnvironment, Func<string, string?> getEnvironment)
    {
        if (configured is not null)
        {
            return configured;
        }

        if (!useEnvironment)
        {
            return null;
        }

        var secure = target.Scheme == "wss";
        var value = secure
            ? getEnvironment("HTTPS_PROXY") ?? getEnvironment("https_proxy")
            : getEnvironment("HTTP_PROXY") ?? getEnvironment("http_proxy");
        if (string.IsNullOrWhiteSpace(value) || IsBypassed(target.Host, getEnvironment("NO_PROXY") ?? getEnvironment("no_proxy")))
        {
            return null;
        }

        return Uri.TryCreate(value.Contains("://", StringComparison.Ordinal) ? value : $"http://{value}", UriKind.Absolute, out var proxy) ? proxy : null;
    }

    /// <summary>NO_PROXY as curl reads it: "*", or hosts and domain suffixes separated by commas.</summary>
    public static bool IsBypassed(string host, string? noProxy)
    {
        if (string.IsNullOrWhiteSpace(noProxy))
        {
            return false;
        }

        foreach (var raw in noProxy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw == "*")
            {
                return true;
            }

            var entry = raw.TrimStart('.');
            if (host.Equals(entry, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + entry, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
