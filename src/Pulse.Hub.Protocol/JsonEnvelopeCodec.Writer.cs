using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pulse.Hub.Protocol;

public sealed partial class JsonEnvelopeCodec
{
    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        // The output goes to WebSocket clients, never into HTML: keep non-ASCII text readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonEncodedText s_type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText s_id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText s_payload = JsonEncodedText.Encode("payload");
    private static readonly JsonEncodedText s_ackRequired = JsonEncodedText.Encode("ack_required");
    private static readonly JsonEncodedText s_client = JsonEncodedText.Encode("client");
    private static readonly JsonEncodedText s_user = JsonEncodedText.Encode("user");
    private static readonly JsonEncodedText s_heartbeat = JsonEncodedText.Encode("heartbeat");
    private static readonly JsonEncodedText s_time = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText s_channel = JsonEncodedText.Encode("channel");
    private static readonly JsonEncodedText s_epoch = JsonEncodedText.Encode("epoch");
    private static readonly JsonEncodedText s_offset = JsonEncodedText.Encode("offset");
    private static readonly JsonEncodedText s_recovered = JsonEncodedText.Encode("recovered");
    private static readonly JsonEncodedText s_publications = JsonEncodedText.Encode("publications");
    private static readonly JsonEncodedText s_count = JsonEncodedText.Encode("count");
    private static readonly JsonEncodedText s_clients = JsonEncodedText.Encode("clients");
    private static readonly JsonEncodedText s_code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText s_message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText s_data = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText s_timestamp = JsonEncodedText.Encode("timestamp");

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

        using var writer = new Utf8JsonWriter(output, s_writerOptions);
        WriteEnvelope(writer, envelope);
    }

    /// <inheritdoc/>
    public void WriteMessage(IBufferWriter<byte> output, string channel, string epoch, Publication publication)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(epoch);
        ArgumentNullException.ThrowIfNull(publication);
        using var writer = new Utf8JsonWriter(output, s_writerOptions);
        writer.WriteStartObject();
        writer.WriteString(s_type, WireNames.Utf8Of(EnvelopeType.Message));
        writer.WriteString(s_id, MessageId.Of(epoch, publication.Offset));
        if (publication.AckRequired)
        {
            writer.WriteBoolean(s_ackRequired, true);
        }

        writer.WriteStartObject(s_payload);
        writer.WriteString(s_channel, channel);
        writer.WriteNumber(s_offset, publication.Offset);
        writer.WriteString(s_epoch, epoch);
        WriteData(writer, publication);
        WriteUser(writer, publication.User);
        writer.WriteNumber(s_timestamp, publication.Timestamp);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteEnvelope(Utf8JsonWriter writer, ServerEnvelope envelope)
    {
        writer.WriteStartObject();
        switch (envelope)
        {
            case ReplyEnvelope reply:
                writer.WriteString(s_type, WireNames.Utf8Of(EnvelopeType.Reply));
                writer.WriteString(s_id, reply.Id);
                writer.WriteStartObject(s_payload);
                WriteReplyPayload(writer, reply.Payload);
                writer.WriteEndObject();
                break;

            case ErrorEnvelope error:
                writer.WriteString(s_type, WireNames.Utf8Of(EnvelopeType.Error));
                if (error.Id is not null)
                {
                    writer.WriteString(s_id, error.Id);
                }

                writer.WriteStartObject(s_payload);
                writer.WriteNumber(s_code, (int)error.Code);
                writer.WriteString(s_message, error.Message);
                writer.WriteEndObject();
                break;

            case WelcomeEnvelope welcome:
                writer.WriteString(s_type, WireNames.Utf8Of(EnvelopeType.Welcome));
                writer.WriteStartObject(s_payload);
                writer.WriteString(s_client, welcome.Client);
                writer.WriteNumber(s_heartbeat, welcome.HeartbeatSeconds);
                writer.WriteNumber(s_time, welcome.Time);
                writer.WriteEndObject();
                break;

            case JoinLeaveEnvelope joinLeave:
                writer.WriteString(s_type, WireNames.Utf8Of(joinLeave.Join ? EnvelopeType.Join : EnvelopeType.Leave));
                writer.WriteStartObject(s_payload);
                writer.WriteString(s_channel, joinLeave.Channel);
                WriteClientInfoFields(writer, joinLeave.Info);
                writer.WriteEndObject();
                break;

            case PongEnvelope pong:
                writer.WriteString(s_type, WireNames.Utf8Of(EnvelopeType.Pong));
                if (pong.Id is not null)
                {
                    writer.WriteString(s_id, pong.Id);
                }

                break;

            default:
                throw new ArgumentException($"Unknown server envelope {envelope.GetType().Name}.", nameof(envelope));
        }

        writer.WriteEndObject();
    }

    private static void WriteReplyPayload(Utf8JsonWriter writer, ReplyPayload payload)
    {
        switch (payload)
        {
            case PublishReply publish:
                writer.WriteNumber(s_offset, publish.Offset);
                break;

            case SubscribeReply subscribe:
                writer.WriteString(s_epoch, subscribe.Position.Epoch);
                writer.WriteNumber(s_offset, subscribe.Position.Offset);
                if (subscribe.Recovered is { } recovered)
                {
                    writer.WriteBoolean(s_recovered, recovered);
                    WritePublications(writer, subscribe.Publications);
                }

                break;

            case EmptyReply:
                break;

            case ConnectReply connect:
                writer.WriteString(s_client, connect.Client);
                writer.WriteString(s_user, connect.User);
                break;

            case PresenceReply presence:
                writer.WriteNumber(s_count, presence.Clients.Count);
                writer.WriteStartArray(s_clients);
                foreach (var info in presence.Clients)
                {
                    writer.WriteStartObject();
                    WriteClientInfoFields(writer, info);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                break;

            case HistoryReply history:
                writer.WriteString(s_epoch, history.Position.Epoch);
                writer.WriteNumber(s_offset, history.Position.Offset);
                WritePublications(writer, history.Publications);
                break;

            default:
                throw new ArgumentException($"Unknown reply payload {payload.GetType().Name}.", nameof(payload));
        }
    }

    private static void WritePublications(Utf8JsonWriter writer, IReadOnlyList<Publication> publications)
    {
        writer.WriteStartArray(s_publications);
        foreach (var publication in publications)
        {
            writer.WriteStartObject();
            writer.WriteNumber(s_offset, publication.Offset);
            WriteData(writer, publication);
            WriteUser(writer, publication.User);
            writer.WriteNumber(s_timestamp, publication.Timestamp);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteData(Utf8JsonWriter writer, Publication publication)
    {
        writer.WritePropertyName(s_data);

        // Data was checked to be one JSON value when it was published; it is copied, never parsed again.
        // Empty data is not JSON: it can only come from a publication built by hand, and is sent as null.
        if (publication.Data.IsEmpty)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(publication.Data.Span, skipInputValidation: true);
        }
    }

    private static void WriteUser(Utf8JsonWriter writer, string? user)
    {
        if (!string.IsNullOrEmpty(user))
        {
            writer.WriteString(s_user, user);
        }
    }

    private static void WriteClientInfoFields(Utf8JsonWriter writer, ClientInfo info)
    {
        writer.WriteString(s_client, info.Client);
        writer.WriteString(s_user, info.User ?? "");
    }
}
