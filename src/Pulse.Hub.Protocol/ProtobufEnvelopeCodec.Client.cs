using System.Buffers;
using Google.Protobuf;

namespace Pulse.Hub.Protocol;

/// <summary>The client side of the Protobuf codec: requests out, the server's envelopes in.</summary>
public sealed partial class ProtobufEnvelopeCodec
{
    /// <inheritdoc/>
    public void WriteClient(IBufferWriter<byte> output, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(envelope);
        if (!WireNames.IsClientType(envelope.Type))
        {
            throw new ArgumentException($"{envelope.Type} is not a client envelope type.", nameof(envelope));
        }

        var wire = new Wire.Envelope { Type = WireNames.Of(envelope.Type), AckRequired = envelope.AckRequired };
        if (envelope.Id is not null)
        {
            wire.Id = envelope.Id;
        }

        if (envelope.Timestamp is { } timestamp)
        {
            wire.Timestamp = timestamp;
        }

        if (envelope.Token is not null)
        {
            wire.Token = envelope.Token;
        }

        if (envelope.Channel is not null)
        {
            wire.Channel = envelope.Channel;
        }

        if (envelope.Since is { } since)
        {
            wire.Since = new Wire.StreamPosition { Epoch = since.Epoch, Offset = (ulong)Math.Max(since.Offset, 0) };
        }

        if (envelope.Limit is { } limit)
        {
            wire.Limit = (uint)Math.Max(limit, 0);
        }

        if (!envelope.Data.IsEmpty)
        {
            // Written out below, before the caller's memory can change: wrapping it saves a copy.
            wire.Data = UnsafeByteOperations.UnsafeWrap(envelope.Data);
        }

        WriteDelimited(output, wire);
    }

    /// <inheritdoc/>
    public void ReadServer(ReadOnlySpan<byte> message, List<ServerEnvelopeReadResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        while (!message.IsEmpty)
        {
            // Past a broken length prefix the envelopes cannot be told apart any more: one problem for the rest.
            if (!TryReadLength(message, out var length, out var prefixLength))
            {
                results.Add(new ServerEnvelopeReadResult(null, "envelope length prefix is not a valid varint"));
                return;
            }

            if (length > message.Length - prefixLength)
            {
                results.Add(new ServerEnvelopeReadResult(null, "envelope is longer than the rest of the message"));
                return;
            }

            ReadServerEnvelope(message.Slice(prefixLength, length), results);
            message = message[(prefixLength + length)..];
        }
    }

    private static void ReadServerEnvelope(ReadOnlySpan<byte> bytes, List<ServerEnvelopeReadResult> results)
    {
        try
        {
            var wire = Wire.Envelope.Parser.ParseFrom(bytes);
            if (ToFields(wire).Build() is { } envelope)
            {
                results.Add(new ServerEnvelopeReadResult(envelope, null));
            }
        }
        catch (InvalidProtocolBufferException)
        {
            results.Add(new ServerEnvelopeReadResult(null, "envelope is not valid Protobuf"));
        }
        catch (FormatException e)
        {
            results.Add(new ServerEnvelopeReadResult(null, e.Message));
        }
    }

    /// <summary>
    /// The envelope's fields as both codecs hand them to the shared rules. Proto3 fields without explicit presence
    /// (such as <c>client</c> or <c>offset</c>) cannot be told absent from empty, so they are always there.
    /// </summary>
    private static ServerEnvelopeFields ToFields(Wire.Envelope wire)
    {
        var fields = new ServerEnvelopeFields
        {
            TypeName = wire.Type.Length > 0 ? wire.Type : null,
            Id = wire.HasId ? wire.Id : null,
            AckRequired = wire.AckRequired,
            Client = wire.Client,
            User = wire.User,
            Heartbeat = wire.Heartbeat,
            Time = wire.Time,
            Channel = wire.HasChannel ? wire.Channel : null,
            Epoch = wire.Epoch,
            Offset = ToOffset(wire.Offset),
            Recovered = wire.HasRecovered ? wire.Recovered : null,
            Code = wire.Code,
            Message = wire.Message,
            Clients = [.. wire.Clients.Select(static info => new ClientInfo(info.Client, info.User))],
            Publications = [.. wire.Publications.Select(static publication => ServerEnvelopeFields.NewPublication(ToOffset(publication.Offset), ToData(publication.Data), publication.User, publication.Timestamp))],
        };

        // A message carries its publication as a sub-message; the shared rules read it from the top level.
        if (wire.Publication is { } delivered)
        {
            fields.Offset = ToOffset(delivered.Offset);
            fields.Data = ToData(delivered.Data);
            fields.User = delivered.User;
            fields.Timestamp = delivered.Timestamp;
        }

        return fields;
    }

    private static long ToOffset(ulong offset) =>
        offset <= long.MaxValue ? (long)offset : throw new FormatException($"offset {offset} is out of range");

    /// <summary>
    /// Publication data as the JSON variant hands it on: one JSON value, checked (the JSON reader checks it by
    /// reading it); empty data, which the server writes as JSON <c>null</c>, becomes <c>null</c> here too.
    /// </summary>
    private static ReadOnlyMemory<byte> ToData(ByteString data)
    {
        if (data.IsEmpty)
        {
            return "null"u8.ToArray();
        }

        return JsonData.IsValidValue(data.Span) ? data.Memory : throw new FormatException("publication data is not one JSON value");
    }
}
