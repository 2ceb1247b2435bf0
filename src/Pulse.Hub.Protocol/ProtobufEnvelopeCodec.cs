using System.Buffers;
using Google.Protobuf;

namespace Pulse.Hub.Protocol;

/// <summary>
/// pulse.v1 in Protobuf (subprotocol <c>pulse.v1.protobuf</c>, binary frames; schema in <c>proto/pulse.proto</c>):
/// each envelope is prefixed with its length as a varint, and a message may carry several. The fields and
/// rules are those of the JSON variant; publication data is the UTF-8 text of one JSON value, checked on the
/// way in, so JSON and Protobuf clients share channels.
/// </summary>
/// <remarks>Stateless and thread-safe; use <see cref="Instance"/>.</remarks>
public sealed partial class ProtobufEnvelopeCodec : IEnvelopeCodec
{
    /// <summary>The subprotocol name, <c>pulse.v1.protobuf</c>.</summary>
    public const string SubprotocolName = "pulse.v1.protobuf";

    private const int MaxVarint32Bytes = 5;

    /// <summary>The one instance.</summary>
    public static ProtobufEnvelopeCodec Instance { get; } = new();

    /// <inheritdoc/>
    public string Subprotocol => SubprotocolName;

    /// <inheritdoc/>
    public MessageType MessageType => MessageType.Binary;

    /// <inheritdoc/>
    public void Read(ReadOnlySpan<byte> message, List<EnvelopeReadResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        while (!message.IsEmpty)
        {
            // Past a broken length prefix the envelopes cannot be told apart any more: one error for the rest.
            if (!TryReadLength(message, out var length, out var prefixLength))
            {
                results.Add(EnvelopeRules.Error(ErrorCode.BadRequest, "envelope length prefix is not a valid varint", null));
                return;
            }

            if (length > message.Length - prefixLength)
            {
                results.Add(EnvelopeRules.Error(ErrorCode.BadRequest, "envelope is longer than the rest of the message", null));
                return;
            }

            results.Add(ReadEnvelope(message.Slice(prefixLength, length)));
            message = message[(prefixLength + length)..];
        }
    }

    /// <inheritdoc/>
    public void Write(IBufferWriter<byte> output, ServerEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope is MessageEnvelope message)
        {
            WriteMessage(output, message.Channel, message.Epoch, message.Publication);
            return;
        }

        WriteDelimited(output, ToWire(envelope));
    }

    /// <inheritdoc/>
    public void WriteMessage(IBufferWriter<byte> output, string channel, string epoch, Publication publication)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(epoch);
        ArgumentNullException.ThrowIfNull(publication);
        var wire = new Wire.Envelope
        {
            Type = WireNames.Of(EnvelopeType.Message),
            Id = MessageId.Of(epoch, publication.Offset),
            AckRequired = publication.AckRequired,
            Channel = channel,
            Epoch = epoch,
            Publication = ToWire(publication),
        };
        WriteDelimited(output, wire);
    }

    private static EnvelopeReadResult ReadEnvelope(ReadOnlySpan<byte> bytes)
    {
        Wire.Envelope wire;
        try
        {
            wire = Wire.Envelope.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return EnvelopeRules.Error(ErrorCode.BadRequest, "envelope is not valid Protobuf", null);
        }

        var fields = new EnvelopeFields { AckRequired = wire.AckRequired };
        if (wire.Type.Length > 0)
        {
            fields.TypeName = wire.Type;
            fields.Type = WireNames.TryParse(wire.Type, out var type) ? type : null;
        }

        if (wire.HasId)
        {
            if (EnvelopeRules.IsValidId(wire.Id))
            {
                fields.Id = wire.Id;
            }
            else
            {
                fields.Mistyped |= EnvelopeField.Id;
            }
        }

        fields.Timestamp = wire.HasTimestamp ? wire.Timestamp : null;
        fields.Token = wire.HasToken ? wire.Token : null;
        fields.Channel = wire.HasChannel ? wire.Channel : null;

        if (wire.Since is { } since)
        {
            if (since is { HasEpoch: true, HasOffset: true, Offset: <= long.MaxValue } && since.Epoch.Length <= EnvelopeLimits.MaxEpochLength)
            {
                fields.Since = new StreamPosition(since.Epoch, (long)since.Offset);
            }
            else
            {
                fields.Mistyped |= EnvelopeField.Since;
            }
        }

        if (wire.HasLimit)
        {
            if (wire.Limit <= int.MaxValue)
            {
                fields.Limit = (int)wire.Limit;
            }
            else
            {
                fields.Mistyped |= EnvelopeField.Limit;
            }
        }

        if (wire.HasData)
        {
            // DESIGN: data is JSON in both variants, so JSON clients can read what Protobuf clients publish.
            if (JsonData.IsValidValue(wire.Data.Span))
            {
                fields.HasData = true;
                fields.Data = wire.Data.Memory;
            }
            else
            {
                fields.Mistyped |= EnvelopeField.Data;
            }
        }

        return EnvelopeRules.Validate(fields);
    }

    private static Wire.Envelope ToWire(ServerEnvelope envelope)
    {
        switch (envelope)
        {
            case ReplyEnvelope reply:
                var wire = new Wire.Envelope { Type = WireNames.Of(EnvelopeType.Reply), Id = reply.Id };
                AddReplyPayload(wire, reply.Payload);
                return wire;

            case ErrorEnvelope error:
                wire = new Wire.Envelope { Type = WireNames.Of(EnvelopeType.Error), Code = (uint)error.Code, Message = error.Message };
                if (error.Id is not null)
                {
                    wire.Id = error.Id;
                }

                return wire;

            case WelcomeEnvelope welcome:
                return new Wire.Envelope
                {
                    Type = WireNames.Of(EnvelopeType.Welcome),
                    Client = welcome.Client,
                    Heartbeat = (uint)Math.Max(welcome.HeartbeatSeconds, 0),
                    Time = welcome.Time,
                };

            case JoinLeaveEnvelope joinLeave:
                return new Wire.Envelope
                {
                    Type = WireNames.Of(joinLeave.Join ? EnvelopeType.Join : EnvelopeType.Leave),
                    Channel = joinLeave.Channel,
                    Client = joinLeave.Info.Client,
                    User = joinLeave.Info.User ?? "",
                };

            case PongEnvelope pong:
                wire = new Wire.Envelope { Type = WireNames.Of(EnvelopeType.Pong) };
                if (pong.Id is not null)
                {
                    wire.Id = pong.Id;
                }

                return wire;

            default:
                throw new ArgumentException($"Unknown server envelope {envelope.GetType().Name}.", nameof(envelope));
        }
    }

    private static void AddReplyPayload(Wire.Envelope wire, ReplyPayload payload)
    {
        switch (payload)
        {
            case PublishReply publish:
                wire.Offset = (ulong)publish.Offset;
                break;

            case SubscribeReply subscribe:
                wire.Epoch = subscribe.Position.Epoch;
                wire.Offset = (ulong)subscribe.Position.Offset;
                if (subscribe.Recovered is { } recovered)
                {
                    wire.Recovered = recovered;
                    AddPublications(wire, subscribe.Publications);
                }

                break;

            case EmptyReply:
                break;

            case ConnectReply connect:
                wire.Client = connect.Client;
                wire.User = connect.User;
                break;

            case PresenceReply presence:
                wire.Count = (uint)presence.Clients.Count;
                foreach (var info in presence.Clients)
                {
                    wire.Clients.Add(new Wire.ClientInfo { Client = info.Client, User = info.User ?? "" });
                }

                break;

            case HistoryReply history:
                wire.Epoch = history.Position.Epoch;
                wire.Offset = (ulong)history.Position.Offset;
                AddPublications(wire, history.Publications);
                break;

            default:
                throw new ArgumentException($"Unknown reply payload {payload.GetType().Name}.", nameof(payload));
        }
    }

    private static void AddPublications(Wire.Envelope wire, IReadOnlyList<Publication> publications)
    {
        foreach (var publication in publications)
        {
            wire.Publications.Add(ToWire(publication));
        }
    }

    private static Wire.Publication ToWire(Publication publication) => new()
    {
        Offset = (ulong)publication.Offset,

        // The publication is immutable and outlives this envelope: wrapping its bytes is safe and saves a copy.
        Data = UnsafeByteOperations.UnsafeWrap(publication.Data),
        User = publication.User ?? "",
        Timestamp = publication.Timestamp,
    };

    private static void WriteDelimited(IBufferWriter<byte> output, Wire.Envelope wire)
    {
        var size = wire.CalculateSize();
        var prefixLength = CodedOutputStream.ComputeLengthSize(size);
        var span = output.GetSpan(prefixLength + size);
        var written = WriteVarint(span, (uint)size);
        wire.WriteTo(span.Slice(written, size));
        output.Advance(written + size);
    }

    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var index = 0;
        while (value >= 0x80)
        {
            destination[index++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[index++] = (byte)value;
        return index;
    }

    private static bool TryReadLength(ReadOnlySpan<byte> input, out int length, out int prefixLength)
    {
        ulong value = 0;
        for (var i = 0; i < Math.Min(input.Length, MaxVarint32Bytes); i++)
        {
            value |= (ulong)(input[i] & 0x7F) << (7 * i);
            if ((input[i] & 0x80) == 0)
            {
                prefixLength = i + 1;
                length = (int)Math.Min(value, int.MaxValue);
                return value <= int.MaxValue;
            }
        }

        length = 0;
        prefixLength = 0;
        return false;
    }
}
