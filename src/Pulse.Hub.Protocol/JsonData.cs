using System.Text.Json;
using System.Text.Unicode;

namespace Pulse.Hub.Protocol;

/// <summary>
/// Checks publication data: exactly one JSON value, UTF-8, nested at most <see cref="EnvelopeLimits.MaxDataDepth"/>
/// deep. The one check behind every caller: the codecs, the hub's server-side publish and the client's publish.
/// </summary>
internal static class JsonData
{
    /// <summary>What <see cref="IsValidValue"/> requires, as an error message.</summary>
    public static readonly string Requirement =
        $"data must be the UTF-8 text of one JSON value, nested at most {EnvelopeLimits.MaxDataDepth} deep.";

    private static readonly JsonReaderOptions s_options = new() { MaxDepth = EnvelopeLimits.MaxDataDepth };

    /// <summary>Whether <paramref name="utf8"/> is one JSON value within the limits (surrounding whitespace allowed).</summary>
    public static bool IsValidValue(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, s_options);
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();

            // Throws when anything but whitespace follows the value.
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
