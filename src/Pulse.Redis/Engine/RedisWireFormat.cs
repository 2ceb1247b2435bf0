using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Pulse.Hub.Protocol;

namespace Pulse.Redis.Engine;

/// <summary>
/// How publications, join/leave events and presence entries are written into Redis. Pure: bytes in, bytes out.
/// </summary>
/// <remarks>
/// A publication's body is a JSON object <c>{"t":ms,"u":user,"c":client,"a":true,"d":data}</c> with the data
/// embedded as it was published. The Pub/Sub message prefixes it with <c>p{epoch}:{offset}\n</c> (added by the
/// publish script, which alone knows the offset); join and leave events are <c>j</c> or <c>l</c> and a client.
/// </remarks>
internal static class RedisWireFormat
{
    /// <summary>The body of a publication, without its offset.</summary>
    public static byte[] EncodeBody(long timestamp, string? user, string? clientId, bool ackRequired, ReadOnlySpan<byte> data)
    {
        var buffer = new ArrayBufferWriter<byte>(data.Length + 96);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("t", timestamp);
            if (user is not null)
            {
                writer.WriteString("u", user);
            }

            if (clientId is not null)
            {
                writer.WriteString("c", clientId);
            }

            if (ackRequired)
            {
                writer.WriteBoolean("a", true);
            }

            writer.WritePropertyName("d");
            writer.WriteRawValue(data, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A publication from its body and offset.</summary>
    /// <exception cref="FormatException">The body is not one this engine wrote.</exception>
    public static Publication DecodeBody(ReadOnlyMemory<byte> body, long offset)
    {
        long timestamp = 0;
        string? user = null, client = null;
        var ack = false;
        ReadOnlyMemory<byte>? data = null;
        try
        {
            var reader = new Utf8JsonReader(body.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("a publication body must be a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "t":
                        timestamp = reader.GetInt64();
                        break;
                    case "u":
                        user = reader.GetString();
                        break;
                    case "c":
                        client = reader.GetString();
                        break;
                    case "a":
                        ack = reader.GetBoolean();
                        break;
                    case "d":
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        data = body[start..(int)reader.BytesConsumed];
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException($"a publication body is not valid: {e.Message}", e);
        }

        return data is { } d
            ? new Publication(offset, d, user, timestamp, client, ack)
            : throw new FormatException("a publication body has no data");
    }

    /// <summary>A Pub/Sub message: a publication (<c>p</c>) with its position, or a join/leave (<c>j</c>/<c>l</c>).</summary>
    public readonly record struct Message(char Kind, string Epoch, long Offset, ReadOnlyMemory<byte> Body);

    /// <summary>Parses a Pub/Sub message.</summary>
    /// <exception cref="FormatException">It is not one this engine wrote.</exception>
    public static Message ParseMessage(ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        if (span.IsEmpty)
        {
            throw new FormatException("an empty Pub/Sub message");
        }

        switch ((char)span[0])
        {
            case 'p':
                var newline = span.IndexOf((byte)'\n');
                var colon = newline < 0 ? -1 : span[..newline].LastIndexOf((byte)':');
                if (colon < 1 || !Utf8Parser.TryParse(span[(colon + 1)..newline], out long offset, out var used) || used != newline - colon - 1)
                {
                    throw new FormatException("a publication message must start with p{epoch}:{offset}\\n");
                }

                return new Message('p', Encoding.UTF8.GetString(span[1..colon]), offset, payload[(newline + 1)..]);
            case 'j' or 'l':
                return new Message((char)span[0], "", 0, payload[1..]);
            default:
                throw new FormatException($"unknown Pub/Sub message kind '{(char)span[0]}'");
        }
    }

    /// <summary>A join or leave message.</summary>
    public static byte[] EncodeJoinLeave(bool join, ClientInfo info)
    {
        var body = EncodeClient(info);
        return [(byte)(join ? 'j' : 'l'), .. body];
    }

    /// <summary>A client as stored in presence and sent in join/leave events.</summary>
    public static byte[] EncodeClient(ClientInfo info) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["c"] = info.Client, ["u"] = info.User });

    /// <summary>A client from <see cref="EncodeClient"/>.</summary>
    /// <exception cref="FormatException">It is not one.</exception>
    public static ClientInfo DecodeClient(ReadOnlySpan<byte> json)
    {
        try
        {
            var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(json);
            return fields is not null && fields.TryGetValue("c", out var client) && fields.TryGetValue("u", out var user)
                ? new ClientInfo(client, user)
                : throw new FormatException("a client entry needs c and u");
        }
        catch (JsonException e)
        {
            throw new FormatException($"a client entry is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The offset of a stream entry id <c>{offset}-0</c>.</summary>
    public static long OffsetOfEntryId(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return long.Parse(dash < 0 ? id : id[..dash], System.Globalization.CultureInfo.InvariantCulture);
    }
}
