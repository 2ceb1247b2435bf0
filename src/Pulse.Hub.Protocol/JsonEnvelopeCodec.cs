using System.Text.Json;
using System.Text.Unicode;

namespace Pulse.Hub.Protocol;

/// <summary>
/// pulse.v1 in JSON (subprotocol <c>pulse.v1.json</c>, text frames): one envelope per line, so a batch is
/// several envelopes separated by <c>\n</c>. Each line is read on its own: a bad line becomes one error and
/// the lines around it still count.
/// </summary>
/// <remarks>Stateless and thread-safe; use <see cref="Instance"/>.</remarks>
public sealed partial class JsonEnvelopeCodec : IEnvelopeCodec
{
    /// <summary>The subprotocol name, <c>pulse.v1.json</c>.</summary>
    public const string SubprotocolName = "pulse.v1.json";

    // The envelope object, then its payload object, then the data value with its own depth.
    private const int MaxEnvelopeDepth = EnvelopeLimits.MaxDataDepth + 2;

    // No valid id, channel or epoch needs more bytes than this even with every character escaped (\uXXXX),
    // so longer strings are refused without being decoded.
    private const int MaxEscapedBytesPerChar = 6;

    private static readonly JsonReaderOptions s_readerOptions = new() { MaxDepth = MaxEnvelopeDepth };

    /// <summary>The one instance.</summary>
    public static JsonEnvelopeCodec Instance { get; } = new();

    /// <inheritdoc/>
    public string Subprotocol => SubprotocolName;

    /// <inheritdoc/>
    public MessageType MessageType => MessageType.Text;

    /// <inheritdoc/>
    public void Read(ReadOnlySpan<byte> message, List<EnvelopeReadResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        while (true)
        {
            var newline = message.IndexOf((byte)'\n');
            var line = newline < 0 ? message : message[..newline];
            if (!IsBlank(line))
            {
                results.Add(ReadLine(line));
            }

            if (newline < 0)
            {
                return;
            }

            message = message[(newline + 1)..];
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t\r"u8) < 0;

    private static EnvelopeReadResult ReadLine(ReadOnlySpan<byte> line)
    {
        if (!Utf8.IsValid(line))
        {
            return EnvelopeRules.Error(ErrorCode.BadRequest, "envelope is not valid UTF-8", null);
        }

        var fields = new EnvelopeFields();
        var reader = new Utf8JsonReader(line, s_readerOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return EnvelopeRules.Error(ErrorCode.BadRequest, "envelope must be a JSON object", null);
            }

            ReadEnvelope(ref reader, line, ref fields);

            // Throws when anything but whitespace follows the envelope.
            reader.Read();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            var id = (fields.Mistyped & EnvelopeField.Id) == 0 ? fields.Id : null;
            var message = reader.CurrentDepth >= MaxEnvelopeDepth - 1
                ? $"envelope nests too deeply (data at most {EnvelopeLimits.MaxDataDepth} levels)"
                : e is JsonException { BytePositionInLine: { } position }
                    ? $"envelope is not valid JSON (at byte {position})"
                    : "envelope is not valid JSON";
            return EnvelopeRules.Error(ErrorCode.BadRequest, message, id);
        }

        return EnvelopeRules.Validate(fields);
    }

    private static void ReadEnvelope(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, ref EnvelopeFields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                ReadType(ref reader, ref fields);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                fields.Id = ReadBoundedString(ref reader, EnvelopeLimits.MaxIdLength, EnvelopeField.Id, ref fields);
                if (fields.Id is { } id && !EnvelopeRules.IsValidId(id))
                {
                    fields.Id = null;
                    fields.Mistyped |= EnvelopeField.Id;
                }
            }
            else if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                fields.Timestamp = ReadInt64(ref reader, EnvelopeField.Timestamp, ref fields);
            }
            else if (reader.ValueTextEquals("ack_required"u8))
            {
                reader.Read();
                fields.AckRequired = ReadBoolean(ref reader, EnvelopeField.AckRequired, ref fields);
            }
            else if (reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadPayload(ref reader, line, ref fields);
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    fields.Mistyped |= EnvelopeField.Payload;
                    reader.Skip();
                }
            }
            else
            {
                // DESIGN §2: unknown top-level fields are ignored (forward compatibility).
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadPayload(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, ref EnvelopeFields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("channel"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && ValueLength(ref reader) > ChannelName.MaxLength * MaxEscapedBytesPerChar)
                {
                    fields.Channel = null;
                    fields.ChannelTooLong = true;
                }
                else
                {
                    fields.ChannelTooLong = false;
                    fields.Channel = ReadString(ref reader, EnvelopeField.Channel, ref fields);
                }
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                fields.Data = line[start..(int)reader.BytesConsumed].ToArray();
                fields.HasData = true;
            }
            else if (reader.ValueTextEquals("token"u8))
            {
                reader.Read();
                fields.Token = ReadString(ref reader, EnvelopeField.Token, ref fields);
            }
            else if (reader.ValueTextEquals("since"u8))
            {
                reader.Read();
                fields.Since = ReadSince(ref reader, ref fields);
            }
            else if (reader.ValueTextEquals("limit"u8))
            {
                reader.Read();
                fields.Limit = null;
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var limit) && limit >= 0)
                {
                    fields.Limit = limit;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    fields.Mistyped |= EnvelopeField.Limit;
                    reader.Skip();
                }
            }
            else
            {
                // Unknown payload fields are ignored too.
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadType(ref Utf8JsonReader reader, ref EnvelopeFields fields)
    {
        fields.Type = null;
        fields.TypeName = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            fields.Mistyped |= EnvelopeField.Type;
            reader.Skip();
            return;
        }

        fields.Mistyped &= ~EnvelopeField.Type;
        foreach (var (type, name, utf8) in WireNames.All)
        {
            if (reader.ValueTextEquals(utf8))
            {
                fields.Type = type;
                fields.TypeName = name;
                return;
            }
        }

        // Unknown: keep a short, readable prefix for the error message, never the whole of a huge string.
        fields.TypeName = ValueLength(ref reader) <= 256 ? reader.GetString() : "(a very long string)";
    }

    private static StreamPosition? ReadSince(ref Utf8JsonReader reader, ref EnvelopeFields fields)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            fields.Mistyped |= EnvelopeField.Since;
            reader.Skip();
            return null;
        }

        string? epoch = null;
        long? offset = null;
        var valid = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("epoch"u8))
            {
                reader.Read();
                epoch = null;
                if (reader.TokenType == JsonTokenType.String && ValueLength(ref reader) <= EnvelopeLimits.MaxEpochLength * MaxEscapedBytesPerChar)
                {
                    epoch = reader.GetString();
                }

                valid &= epoch is { Length: <= EnvelopeLimits.MaxEpochLength };
            }
            else if (reader.ValueTextEquals("offset"u8))
            {
                reader.Read();
                offset = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value >= 0 ? value : null;
                valid &= offset is not null;
            }
            else
            {
                reader.Read();
            }

            reader.Skip();
        }

        if (!valid || epoch is null || offset is null)
        {
            fields.Mistyped |= EnvelopeField.Since;
            return null;
        }

        fields.Mistyped &= ~EnvelopeField.Since;
        return new StreamPosition(epoch, offset.Value);
    }

    private static string? ReadString(ref Utf8JsonReader reader, EnvelopeField field, ref EnvelopeFields fields)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                fields.Mistyped &= ~field;
                return reader.GetString();
            case JsonTokenType.Null:
                return null;
            default:
                fields.Mistyped |= field;
                reader.Skip();
                return null;
        }
    }

    private static string? ReadBoundedString(ref Utf8JsonReader reader, int maxLength, EnvelopeField field, ref EnvelopeFields fields)
    {
        if (reader.TokenType == JsonTokenType.String && ValueLength(ref reader) > maxLength * MaxEscapedBytesPerChar)
        {
            fields.Mistyped |= field;
            return null;
        }

        return ReadString(ref reader, field, ref fields);
    }

    private static long? ReadInt64(ref Utf8JsonReader reader, EnvelopeField field, ref EnvelopeFields fields)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            fields.Mistyped &= ~field;
            return value;
        }

        if (reader.TokenType != JsonTokenType.Null)
        {
            fields.Mistyped |= field;
            reader.Skip();
        }

        return null;
    }

    private static bool ReadBoolean(ref Utf8JsonReader reader, EnvelopeField field, ref EnvelopeFields fields)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                fields.Mistyped &= ~field;
                return true;
            case JsonTokenType.False:
            case JsonTokenType.Null:
                fields.Mistyped &= ~field;
                return false;
            default:
                fields.Mistyped |= field;
                reader.Skip();
                return false;
        }
    }

    private static long ValueLength(ref Utf8JsonReader reader) =>
        reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
}
