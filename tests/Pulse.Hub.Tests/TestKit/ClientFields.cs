using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Wire = Pulse.Hub.Protocol.Wire;

namespace Pulse.Hub.Tests.TestKit;

/// <summary>
/// A client envelope described independently of the wire, so one table of cases runs against both codecs.
/// Null means absent. <see cref="Data"/> is JSON text, sent raw.
/// </summary>
internal sealed record ClientFields
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public long? Timestamp { get; init; }
    public bool? AckRequired { get; init; }
    public string? Token { get; init; }
    public string? Channel { get; init; }
    public bool HasSince { get; init; }
    public string? SinceEpoch { get; init; }
    public long? SinceOffset { get; init; }
    public long? Limit { get; init; }
    public string? Data { get; init; }

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteIf(writer, "type", Type);
            WriteIf(writer, "id", Id);
            if (Timestamp is { } timestamp)
            {
                writer.WriteNumber("timestamp", timestamp);
            }

            if (AckRequired is { } ackRequired)
            {
                writer.WriteBoolean("ack_required", ackRequired);
            }

            writer.WriteStartObject("payload");
            WriteIf(writer, "token", Token);
            WriteIf(writer, "channel", Channel);
            if (HasSince)
            {
                writer.WriteStartObject("since");
                WriteIf(writer, "epoch", SinceEpoch);
                if (SinceOffset is { } offset)
                {
                    writer.WriteNumber("offset", offset);
                }

                writer.WriteEndObject();
            }

            if (Limit is { } limit)
            {
                writer.WriteNumber("limit", limit);
            }

            if (Data is not null)
            {
                writer.WritePropertyName("data");
                writer.WriteRawValue(Data, skipInputValidation: true);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The envelope in Protobuf, length-delimited as on the wire.</summary>
    public byte[] ToProtobuf()
    {
        var wire = new Wire.Envelope { Type = Type ?? "" };
        if (Id is not null)
        {
            wire.Id = Id;
        }

        if (Timestamp is { } timestamp)
        {
            wire.Timestamp = timestamp;
        }

        wire.AckRequired = AckRequired ?? false;
        if (Token is not null)
        {
            wire.Token = Token;
        }

        if (Channel is not null)
        {
            wire.Channel = Channel;
        }

        if (HasSince)
        {
            wire.Since = new Wire.StreamPosition();
            if (SinceEpoch is not null)
            {
                wire.Since.Epoch = SinceEpoch;
            }

            if (SinceOffset is { } offset)
            {
                wire.Since.Offset = (ulong)offset;
            }
        }

        if (Limit is { } limit)
        {
            wire.Limit = (uint)limit;
        }

        if (Data is not null)
        {
            wire.Data = ByteString.CopyFromUtf8(Data);
        }

        return Delimited(wire);
    }

    public static byte[] Delimited(Wire.Envelope wire)
    {
        using var stream = new MemoryStream();
        wire.WriteDelimitedTo(stream);
        return stream.ToArray();
    }

    private static void WriteIf(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    public override string ToString() => Encoding.UTF8.GetString(ToJson());
}
