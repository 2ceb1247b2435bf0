#if NET9_0_OR_GREATER
using System.Runtime.InteropServices;
#else
using System.Text;
#endif
using System.Text.Json;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client.Internal;

/// <summary>
/// Reads the hub's pulse.v1 JSON envelopes (docs/reference/protocol.md, "Server → client") into the shared
/// <see cref="ServerEnvelope"/> records. A frame may carry several envelopes, one per line. Pure: bytes in,
/// envelopes out. Unknown types and unknown fields are skipped (forward compatibility); a line that is not a
/// readable server envelope is reported as a problem and skipped, and the lines around it still count.
/// </summary>
internal static class ServerEnvelopeReader
{
    public static void Read(ReadOnlySpan<byte> frame, List<ServerEnvelope> envelopes, List<string> problems)
    {
        while (true)
        {
            var newline = frame.IndexOf((byte)'\n');
            var line = newline < 0 ? frame : frame[..newline];
            if (line.IndexOfAnyExcept(" \t\r"u8) >= 0)
            {
                try
                {
                    if (ReadLine(line) is { } envelope)
                    {
                        envelopes.Add(envelope);
                    }
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
                {
                    problems.Add(e.Message);
                }
            }

            if (newline < 0)
            {
                return;
            }

            frame = frame[(newline + 1)..];
        }
    }

    /// <summary>One envelope, or null for a type this client does not know.</summary>
    private static ServerEnvelope? ReadLine(ReadOnlySpan<byte> line)
    {
        using var document = JsonDocument.Parse(line.ToArray(), new JsonDocumentOptions { MaxDepth = EnvelopeLimits.MaxDataDepth + 4 });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("envelope is not a JSON object");
        }

        var type = RequiredString(root, "type");
        var id = OptionalString(root, "id");
        var payload = root.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        switch (type)
        {
            case "welcome":
                return new WelcomeEnvelope(RequiredString(payload, "client"), (int)OptionalLong(payload, "heartbeat"), OptionalLong(payload, "time"));

            case "reply":
                return new ReplyEnvelope(id ?? throw new FormatException("reply without an id"), new RawReplyPayload(payload.ValueKind == JsonValueKind.Object ? payload.Clone() : EmptyObject()));

            case "error":
                return new ErrorEnvelope(id, (ErrorCode)RequiredLong(payload, "code"), OptionalString(payload, "message") ?? "");

            case "pong":
                return new PongEnvelope(id);

            case "message":
                var ackRequired = root.TryGetProperty("ack_required", out var ack) && ack.ValueKind == JsonValueKind.True;
                var channel = RequiredString(payload, "channel");
                var epoch = RequiredString(payload, "epoch");
                var publication = ReadPublication(payload, ackRequired);
                return new MessageEnvelope(id ?? $"{epoch}:{publication.Offset}", channel, epoch, publication);

            case "join":
            case "leave":
                var info = new ClientInfo(RequiredString(payload, "client"), OptionalString(payload, "user") ?? "");
                return new JoinLeaveEnvelope(type == "join", RequiredString(payload, "channel"), info);

            default:
                return null;
        }
    }

    /// <summary>A publication, <c>{offset, data, user?, timestamp}</c>, wherever it appears (DESIGN §2).</summary>
    public static Publication ReadPublication(JsonElement element, bool ackRequired = false)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("data", out var data))
        {
            throw new FormatException("publication without data");
        }

        // The exact bytes the publisher sent: the hub never re-encodes data, and neither does the client.
#if NET9_0_OR_GREATER
        var bytes = JsonMarshal.GetRawUtf8Value(data).ToArray();
#else
        var bytes = Encoding.UTF8.GetBytes(data.GetRawText());
#endif
        return new Publication(RequiredLong(element, "offset"), bytes, OptionalString(element, "user"), OptionalLong(element, "timestamp"), ackRequired: ackRequired);
    }

    private static JsonElement EmptyObject()
    {
        using var empty = JsonDocument.Parse("{}");
        return empty.RootElement.Clone();
    }

    private static string RequiredString(JsonElement element, string name) =>
        OptionalString(element, name) ?? throw new FormatException($"missing string field '{name}'");

    private static string? OptionalString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static long RequiredLong(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw new FormatException($"missing integer field '{name}'");

    private static long OptionalLong(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : 0;
}
