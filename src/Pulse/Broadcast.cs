using System.Text;
using Pulse.Internal;

namespace Pulse;

/// <summary>
/// Sends one message to many connections without waiting for any of them, like websockets' <c>broadcast()</c>.
/// The message is framed once and copied into each connection's outgoing buffer (compressed once for every group of
/// connections that negotiated permessage-deflate without server context takeover and the same window); a connection over its
/// <see cref="ConnectionOptions.WriteLimit"/> is closed or skipped by <see cref="BroadcastPolicy"/>, so a slow
/// consumer never grows an unbounded buffer nor slows the others.
/// </summary>
public static class Broadcast
{
    /// <summary>Sends a text message to every open connection; returns how many it was queued to.</summary>
    public static int Send(IEnumerable<WebSocketConnection> connections, string text, BroadcastPolicy policy = BroadcastPolicy.CloseSlowConsumer)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Send(connections, new Message(MessageType.Text, Encoding.UTF8.GetBytes(text)), policy);
    }

    /// <summary>Sends a binary message to every open connection; returns how many it was queued to.</summary>
    public static int Send(IEnumerable<WebSocketConnection> connections, ReadOnlyMemory<byte> data, BroadcastPolicy policy = BroadcastPolicy.CloseSlowConsumer) =>
        Send(connections, new Message(MessageType.Binary, data), policy);

    /// <summary>Sends a message to every open connection; returns how many it was queued to.</summary>
    public static int Send(IEnumerable<WebSocketConnection> connections, Message message, BroadcastPolicy policy = BroadcastPolicy.CloseSlowConsumer) =>
        Send(connections, PreparedMessage.Create(message), policy);

    /// <summary>
    /// Begins a <see cref="SendBatch"/> on this thread: until it is disposed, the connections sent to from this thread
    /// wait to be flushed, then all are flushed by it at once. For a loop that sends to many connections itself.
    /// </summary>
    public static SendBatch BeginBatch() => new(DrainBatch.Begin());

    /// <summary>Sends a message framed beforehand to every open connection; returns how many it was queued to.</summary>
    public static int Send(IEnumerable<WebSocketConnection> connections, PreparedMessage message, BroadcastPolicy policy = BroadcastPolicy.CloseSlowConsumer)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(message);
        var queued = 0;

        // The recipients are flushed by this thread once all have the message, not by a work item each.
        using (BeginBatch())
        {
            foreach (var connection in connections)
            {
                if (connection.TryEnqueueBroadcast(message.Frame, policy))
                {
                    queued++;
                }
            }
        }

        return queued;
    }
}
