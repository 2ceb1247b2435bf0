using System.Text.Json;
using System.Text.Unicode;

namespace Pulse.Hub.Protocol;

/// <summary>Checks publication data: exactly one JSON value, UTF-8, nested at most <see cref="EnvelopeLimits.MaxDataDepth"/> deep.</summary>
internal static class JsonData
{
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
