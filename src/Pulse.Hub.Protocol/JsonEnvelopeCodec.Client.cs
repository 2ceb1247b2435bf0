using System.Buffers;
using System.Text.Json;

namespace Pulse.Hub.Protocol;

/// <summary>The client side of the JSON codec: requests out, the server's envelopes in.</summary>
public sealed partial class JsonEnvelopeCodec
{
    // The envelope object, its payload, the publications array, one publication, then the data value.
    private static readonly JsonReaderOptions s_serverReaderOptions = new() { MaxDepth = EnvelopeLimits.MaxDataDepth + 4 };

    private static readonly JsonEncodedText s_token = JsonEncodedText.Encode("token");
    private static readonly JsonEncodedText s_since = JsonEncodedText.Encode("since");
    private static readonly JsonEncodedText s_limit = JsonEncodedText.Encode("limit");

    /// <inheritdoc/>
    public void WriteClient(IBufferWriter<byte> output, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(envelope);
        if (!WireNames.IsClientType(envelope.Type))
        {
            throw new ArgumentException($"{envelope.Type} is not a client envelope type.", nameof(envelope));
        }

        using var writer = new Utf8JsonWriter(output, s_writerOptions);
        writer.WriteStartObject();
        writer.WriteString(s_type, WireNames.Utf8Of(envelope.Type));
        if (envelope.Id is not null)
        {
            writer.WriteString(s_id, envelope.Id);
        }

        if (envelope.Timestamp is { } timestamp)
        {
            writer.WriteNumber(s_timestamp, timestamp);
        }

        if (envelope.AckRequired)
        {
            writer.WriteBoolean(s_ackRequired, true);
        }

        if (envelope.Token is not null || envelope.Channel is not null || envelope.Since is not null || envelope.Limit is not null || !envelope.Data.IsEmpty)
        {
            writer.WriteStartObject(s_payload);
            WriteClientPayload(writer, envelope);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public void ReadServer(ReadOnlySpan<byte> message, List<ServerEnvelopeReadResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        while (true)
        {
            var newline = message.IndexOf((byte)'\n');
            var line = newline < 0 ? message : message[..newline];
            if (!IsBlank(line))
            {
                ReadServerLine(line, results);
            }

            if (newline < 0)
            {
                return;
            }

            message = message[(newline + 1)..];
        }
    }

    private static void WriteClientPayload(Utf8JsonWriter writer, Envelope envelope)
    {
        if (envelope.Token is not null)
        {
            writer.WriteString(s_token, envelope.Token);
        }

        if (envelope.Channel is not null)
        {
            writer.WriteString(s_channel, envelope.Channel);
        }

        if (envelope.Since is { } since)
        {
            writer.WriteStartObject(s_since);
            writer.WriteString(s_epoch, since.Epoch);
            writer.WriteNumber(s_offset, since.Offset);
            writer.WriteEndObject();
        }

        if (envelope.Limit is { } limit)
        {
            writer.WriteNumber(s_limit, limit);
        }

        if (!envelope.Data.IsEmpty)
        {
            // The caller checked it is one JSON value: sent as it is, never re-encoded.
            writer.WritePropertyName(s_data);
            writer.WriteRawValue(envelope.Data.Span, skipInputValidation: true);
        }
    }

    private static void ReadServerLine(ReadOnlySpan<byte> line, List<ServerEnvelopeReadResult> results)
    {
        var fields = new ServerEnvelopeFields();
        var reader = new Utf8JsonReader(line, s_serverReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                results.Add(new ServerEnvelopeReadResult(null, "envelope is not a JSON object"));
                return;
            }

            ReadServerEnvelope(ref reader, line, fields);

            // Throws when anything but whitespace follows the envelope.
            reader.Read();
            if (fields.Build() is { } envelope)
            {
                results.Add(new ServerEnvelopeReadResult(envelope, null));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            var problem = e is JsonException { BytePositionInLine: { } position }
                ? $"envelope is not valid JSON (at byte {position})"
                : "envelope is not valid JSON";
            results.Add(new ServerEnvelopeReadResult(null, problem));
        }
        catch (FormatException e)
        {
            results.Add(new ServerEnvelopeReadResult(null, e.Message));
        }
    }

    private static void ReadServerEnvelope(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, ServerEnvelopeFields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                fields.TypeName = StringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                fields.Id = StringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals("ack_required"u8))
            {
                reader.Read();
                fields.AckRequired = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadServerPayload(ref reader, line, fields);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                // Unknown fields are ignored (forward compatibility).
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadServerPayload(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, ServerEnvelopeFields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = PayloadFieldOf(ref reader);
            reader.Read();
            switch (field)
            {
                case PayloadField.Client:
                    fields.Client = StringOrNull(ref reader);
                    break;
                case PayloadField.User:
                    fields.User = StringOrNull(ref reader);
                    break;
                case PayloadField.Channel:
                    fields.Channel = StringOrNull(ref reader);
                    break;
                case PayloadField.Epoch:
                    fields.Epoch = StringOrNull(ref reader);
                    break;
                case PayloadField.Message:
                    fields.Message = StringOrNull(ref reader);
                    break;
                case PayloadField.Offset:
                    fields.Offset = Int64OrNull(ref reader);
                    break;
                case PayloadField.Heartbeat:
                    fields.Heartbeat = Int64OrNull(ref reader);
                    break;
                case PayloadField.Time:
                    fields.Time = Int64OrNull(ref reader);
                    break;
                case PayloadField.Timestamp:
                    fields.Timestamp = Int64OrNull(ref reader);
                    break;
                case PayloadField.Code:
                    fields.Code = Int64OrNull(ref reader);
                    break;
                case PayloadField.Recovered:
                    fields.Recovered = reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
                    reader.Skip();
                    break;
                case PayloadField.Data:
                    fields.Data = RawValue(ref reader, line);
                    break;
                case PayloadField.Publications:
                    fields.Publications = ReadArray(ref reader, line, static (ref Utf8JsonReader r, ReadOnlySpan<byte> l) => ReadPublication(ref r, l));
                    break;
                case PayloadField.Clients:
                    fields.Clients = ReadArray(ref reader, line, static (ref Utf8JsonReader r, ReadOnlySpan<byte> _) => ReadClientInfo(ref r));
                    break;
                default:
                    // Unknown payload fields are ignored too.
                    reader.Skip();
                    break;
            }
        }
    }

    private enum PayloadField
    {
        Unknown,
        Client,
        User,
        Channel,
        Epoch,
        Message,
        Offset,
        Heartbeat,
        Time,
        Timestamp,
        Code,
        Recovered,
        Data,
        Publications,
        Clients,
    }

    private static PayloadField PayloadFieldOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("client"u8) ? PayloadField.Client
        : reader.ValueTextEquals("user"u8) ? PayloadField.User
        : reader.ValueTextEquals("channel"u8) ? PayloadField.Channel
        : reader.ValueTextEquals("epoch"u8) ? PayloadField.Epoch
        : reader.ValueTextEquals("message"u8) ? PayloadField.Message
        : reader.ValueTextEquals("offset"u8) ? PayloadField.Offset
        : reader.ValueTextEquals("heartbeat"u8) ? PayloadField.Heartbeat
        : reader.ValueTextEquals("time"u8) ? PayloadField.Time
        : reader.ValueTextEquals("timestamp"u8) ? PayloadField.Timestamp
        : reader.ValueTextEquals("code"u8) ? PayloadField.Code
        : reader.ValueTextEquals("recovered"u8) ? PayloadField.Recovered
        : reader.ValueTextEquals("data"u8) ? PayloadField.Data
        : reader.ValueTextEquals("publications"u8) ? PayloadField.Publications
        : reader.ValueTextEquals("clients"u8) ? PayloadField.Clients
        : PayloadField.Unknown;

    private delegate T ElementReader<T>(ref Utf8JsonReader reader, ReadOnlySpan<byte> line);

    /// <summary>An array of objects, each read by <paramref name="read"/>; null when the value is not an array.</summary>
    private static List<T>? ReadArray<T>(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, ElementReader<T> read)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var list = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("an array element is not an object");
            }

            list.Add(read(ref reader, line));
        }

        return list;
    }

    /// <summary>A publication, <c>{offset, data, user?, timestamp}</c>, wherever it appears (DESIGN §2).</summary>
    private static Publication ReadPublication(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
    {
        long? offset = null;
        ReadOnlyMemory<byte>? data = null;
        string? user = null;
        long timestamp = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("offset"u8))
            {
                reader.Read();
                offset = Int64OrNull(ref reader);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                data = RawValue(ref reader, line);
            }
            else if (reader.ValueTextEquals("user"u8))
            {
                reader.Read();
                user = StringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                timestamp = Int64OrNull(ref reader) ?? 0;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return ServerEnvelopeFields.NewPublication(
            offset ?? throw new FormatException("publication without 'offset'"),
            data ?? throw new FormatException("publication without 'data'"),
            user,
            timestamp);
    }

    private static ClientInfo ReadClientInfo(ref Utf8JsonReader reader)
    {
        string? client = null;
        string? user = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("client"u8))
            {
                reader.Read();
                client = StringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals("user"u8))
            {
                reader.Read();
                user = StringOrNull(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ClientInfo(client ?? throw new FormatException("client info without 'client'"), user ?? "");
    }

    /// <summary>The exact bytes of the value the reader is on: data is handed on as it was sent, never re-encoded.</summary>
    private static byte[] RawValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return line[start..(int)reader.BytesConsumed].ToArray();
    }

    private static string? StringOrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static long? Int64OrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            return value;
        }

        reader.Skip();
        return null;
    }
}
