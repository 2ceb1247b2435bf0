using System.Collections;

namespace Pulse.Protocol;

/// <summary>HTTP header fields in the order received, names compared case-insensitively, repeated names kept.</summary>
public sealed class HttpHeaders : IEnumerable<KeyValuePair<string, string>>
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
    public bool Contains(string name) => _fields.Exists(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase));

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

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
