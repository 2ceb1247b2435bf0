using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client.Internal;

/// <summary>
/// Builds the client's pulse.v1 JSON envelopes (docs/reference/protocol.md, "Client → server"), one per text
/// frame. Pure: strings and bytes in, the frame's UTF-8 out.
/// </summary>
internal static class ClientEnvelopeWriter
{
    private static readonly JsonWriterOptions s_options = new()
    {
        // Frames go to the hub, never into HTML: keep non-ASCII text as it is.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Connect(string id, string token) =>
        Write(EnvelopeType.Connect, id, ackRequired: false, token, static (writer, token) => writer.WriteString("token", token));

    public static byte[] Subscribe(string id, string channel, StreamPosition? since) =>
        Write(EnvelopeType.Subscribe, id, ackRequired: false, (channel, since), static (writer, state) =>
        {
            writer.WriteString("channel", state.channel);
            WriteSince(writer, state.since);
        });

    public static byte[] Unsubscribe(string id, string channel) =>
        Write(EnvelopeType.Unsubscribe, id, ackRequired: false, channel, static (writer, channel) => writer.WriteString("channel", channel));

    /// <summary>A <c>publish</c>; <paramref name="data"/> must already be checked to be one JSON value.</summary>
    public static byte[] Publish(string id, string channel, ReadOnlyMemory<byte> data, bool ackRequired) =>
        Write(EnvelopeType.Publish, id, ackRequired, (channel, data), static (writer, state) =>
        {
            writer.WriteString("channel", state.channel);
            writer.WritePropertyName("data");
            writer.WriteRawValue(state.data.Span, skipInputValidation: true);
        });

    public static byte[] Presence(string id, string channel) =>
        Write(EnvelopeType.Presence, id, ackRequired: false, channel, static (writer, channel) => writer.WriteString("channel", channel));

    public static byte[] History(string id, string channel, StreamPosition? since, int? limit) =>
        Write(EnvelopeType.History, id, ackRequired: false, (channel, since, limit), static (writer, state) =>
        {
            writer.WriteString("channel", state.channel);
            WriteSince(writer, state.since);
            if (state.limit is { } limit)
            {
                writer.WriteNumber("limit", limit);
            }
        });

    public static byte[] Ping(string id) => Write<object?>(EnvelopeType.Ping, id, ackRequired: false, null, payload: null);

    /// <summary>An <c>ack</c> of the <c>message</c> whose id (<c>{epoch}:{offset}</c>) is <paramref name="messageId"/>.</summary>
    public static byte[] Ack(string messageId) => Write<object?>(EnvelopeType.Ack, messageId, ackRequired: false, null, payload: null);

    /// <summary>Whether <paramref name="data"/> is exactly one JSON value that the hub accepts as publication data.</summary>
    public static bool IsJsonValue(ReadOnlySpan<byte> data)
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

    private static void WriteSince(Utf8JsonWriter writer, StreamPosition? since)
    {
        if (since is { } position)
        {
            writer.WriteStartObject("since");
            writer.WriteString("epoch", position.Epoch);
            writer.WriteNumber("offset", position.Offset);
            writer.WriteEndObject();
        }
    }

    private static byte[] Write<TState>(EnvelopeType type, string id, bool ackRequired, TState state, Action<Utf8JsonWriter, TState>? payload)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            writer.WriteString("type", WireName(type));
            writer.WriteString("id", id);
            if (ackRequired)
            {
                writer.WriteBoolean("ack_required", true);
            }

            if (payload is not null)
            {
                writer.WriteStartObject("payload");
                payload(writer, state);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string WireName(EnvelopeType type) => type switch
    {
        EnvelopeType.Connect => "connect",
        EnvelopeType.Subscribe => "subscribe",
        EnvelopeType.Unsubscribe => "unsubscribe",
        EnvelopeType.Publish => "publish",
        EnvelopeType.Presence => "presence",
        EnvelopeType.History => "history",
        EnvelopeType.Ping => "ping",
        EnvelopeType.Ack => "ack",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a client envelope type"),
    };
}
