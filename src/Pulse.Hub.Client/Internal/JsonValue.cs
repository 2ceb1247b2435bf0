using System.Text.Json;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client.Internal;

/// <summary>The check the client makes before it publishes data: the hub refuses anything else with a 400.</summary>
internal static class JsonValue
{
    /// <summary>Whether <paramref name="data"/> is exactly one JSON value that the hub accepts as publication data.</summary>
    public static bool IsOneValue(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = EnvelopeLimits.MaxDataDepth });
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
