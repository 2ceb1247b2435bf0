using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Examples.Envelope;

/// <summary>
/// One message on the wire: <c>{"type", "id", "timestamp", "payload", "ack_required"}</c>. <c>type</c> is required;
/// <c>id</c> names a request (a reply carries the same one) or a server message to acknowledge; <c>timestamp</c> is
/// Unix milliseconds set by the sender. Unknown fields are ignored, so either side may add some later.
/// </summary>
public sealed record Envelope(string Type, string? Id, long Timestamp, JsonElement? Payload = null, bool AckRequired = false)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,

        // Quotes as quotes, not \u0022: these frames are never pasted into HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static long UnixNow => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public static JsonElement ToPayload<T>(T value) => JsonSerializer.SerializeToElement(value, s_json);

    public static string Error(string? id, string code, string message) =>
        new Envelope("error", id, UnixNow, ToPayload(new { code, message })).ToJson();

    /// <summary>Reads an envelope; a problem becomes an <paramref name="error"/> to send back, never an exception.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out Envelope? envelope, out EnvelopeError error)
    {
        envelope = null;
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            error = new("bad_json", e.Message, null);
            return false;
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = new("bad_envelope", "an envelope is a JSON object", null);
                return false;
            }

            string? id = null;
            if (root.TryGetProperty("id", out var idElement) && (idElement.ValueKind != JsonValueKind.String || (id = idElement.GetString()) is null))
            {
                error = new("bad_envelope", "\"id\" must be a string", null);
                return false;
            }

            if (!root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                error = new("bad_envelope", "\"type\" must be a string", id);
                return false;
            }

            var timestamp = root.TryGetProperty("timestamp", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var ms) ? ms : 0;
            JsonElement? payload = root.TryGetProperty("payload", out var p) ? p.Clone() : null;
            var ackRequired = root.TryGetProperty("ack_required", out var ack) && ack.ValueKind == JsonValueKind.True;
            envelope = new Envelope(type.GetString()!, id, timestamp, payload, ackRequired);
            error = default;
            return true;
        }
    }
}

/// <summary>Why a text is not an envelope: <c>bad_json</c> or <c>bad_envelope</c>, with the request id when one was readable.</summary>
public readonly record struct EnvelopeError(string Code, string Message, string? Id);
