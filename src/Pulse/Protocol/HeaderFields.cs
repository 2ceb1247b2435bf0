#if !NET9_0_OR_GREATER
using Pulse.Internal;
#endif
using System.Collections;

namespace Pulse.Protocol;

/// <summary>HTTP header fields in the order received, names compared case-insensitively, repeated names kept.</summary>
public sealed class HeaderFields : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    /// <summary>The number of fields.</summary>
    public int Count => _fields.Count;

    /// <summary>All values of <paramref name="name"/> joined with ", " (RFC 9110 §5.3), or null when absent.</summary>
    public string? this[string name]
    {
        get
        {
            string? joined = null;
            foreach (var (key, value) in _fields)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    joined = joined is null ? value : $"{joined}, {value}";
                }
            }

            return joined;
        }
    }

    /// <summary>Appends a field.</summary>
    public void Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _fields.Add(new(name, value));
    }

    /// <summary>Whether a field named <paramref name="name"/> is present.</summary>
    public bool Contains(string name) => FirstValue(name) is not null;

    /// <summary>Every value of <paramref name="name"/>, in order.</summary>
    public IEnumerable<string> GetValues(string name)
    {
        foreach (var (key, value) in _fields)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return value;
            }
        }
    }

    /// <summary>How many fields are named <paramref name="name"/>; unlike <see cref="GetValues"/>, allocates nothing.</summary>
    internal int CountOf(string name)
    {
        var count = 0;
        foreach (var (key, _) in _fields)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The first value of <paramref name="name"/>, or null when absent.</summary>
    internal string? FirstValue(string name)
    {
        foreach (var (key, value) in _fields)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a list header such as <c>Connection: keep-alive, Upgrade</c> holds <paramref name="token"/> in any of
    /// its field lines, ignoring case. Every handshake asks this, so it reads the values in place.
    /// </summary>
    internal bool ListContains(string name, string token)
    {
        foreach (var (key, value) in _fields)
        {
            if (!string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var range in value.AsSpan().Split(','))
            {
                if (HttpSyntax.TrimOws(value.AsSpan()[range]).Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
