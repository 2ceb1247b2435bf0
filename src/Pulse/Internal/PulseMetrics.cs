using System.Diagnostics.Metrics;

namespace Pulse.Internal;

/// <summary>
/// The library's instruments on the <c>Pulse</c> meter, for server-side connections only. Adding to a counter
/// nobody listens to costs a check; an exporter such as <c>pulse serve</c>'s <c>/metrics</c> turns them on.
/// </summary>
internal static class PulseMetrics
{
    /// <summary>The meter's name, shared by the library and the hub.</summary>
    public const string MeterName = "Pulse";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>The meter; reading it creates the instruments, so an exporter lists them at zero before their first use.</summary>
    public static Meter Meter => s_meter;

    private static readonly UpDownCounter<long> s_connectionsOpen = s_meter.CreateUpDownCounter<long>("pulse.connections.open", "{connection}", "WebSocket connections open now.");
    private static readonly Counter<long> s_connections = s_meter.CreateCounter<long>("pulse.connections", "{connection}", "WebSocket connections accepted since start.");
    private static readonly Counter<long> s_messagesReceived = s_meter.CreateCounter<long>("pulse.messages.received", "{message}", "Messages received, by type.");
    private static readonly Counter<long> s_bytesReceived = s_meter.CreateCounter<long>("pulse.messages.received.bytes", "By", "Payload bytes received, by message type.");
    private static readonly Counter<long> s_messagesSent = s_meter.CreateCounter<long>("pulse.messages.sent", "{message}", "Messages queued for sending, by type.");
    private static readonly Counter<long> s_bytesSent = s_meter.CreateCounter<long>("pulse.messages.sent.bytes", "By", "Payload bytes queued for sending, by message type.");
    private static readonly Counter<long> s_slowConsumerCloses = s_meter.CreateCounter<long>("pulse.slow_consumer.closes", "{connection}", "Connections closed with 1013 because they did not keep up.");
    private static readonly Counter<long> s_queueDrops = s_meter.CreateCounter<long>("pulse.queue.drops", "{message}", "Broadcast messages skipped or dropped for a connection over its write limit.");

    public static void Opened(Protocol.Role role)
    {
        if (role == Protocol.Role.Server)
        {
            s_connections.Add(1);
            s_connectionsOpen.Add(1);
        }
    }

    public static void Closed(Protocol.Role role)
    {
        if (role == Protocol.Role.Server)
        {
            s_connectionsOpen.Add(-1);
        }
    }

    public static void Received(Protocol.Role role, MessageType type, int bytes)
    {
        if (role == Protocol.Role.Server && s_messagesReceived.Enabled)
        {
            var tag = TypeTag(type);
            s_messagesReceived.Add(1, tag);
            s_bytesReceived.Add(bytes, tag);
        }
    }

    public static void Sent(Protocol.Role role, MessageType type, int bytes)
    {
        if (role == Protocol.Role.Server && s_messagesSent.Enabled)
        {
            var tag = TypeTag(type);
            s_messagesSent.Add(1, tag);
            s_bytesSent.Add(bytes, tag);
        }
    }

    public static void SentText(Protocol.Role role, string text)
    {
        if (role == Protocol.Role.Server && s_messagesSent.Enabled)
        {
            Sent(role, MessageType.Text, System.Text.Encoding.UTF8.GetByteCount(text));
        }
    }

    public static void SlowConsumerClosed() => s_slowConsumerCloses.Add(1);

    public static void QueueDropped() => s_queueDrops.Add(1);

    private static KeyValuePair<string, object?> TypeTag(MessageType type) =>
        new("type", type == MessageType.Text ? "text" : "binary");
}
