namespace Pulse;

/// <summary>
/// A message framed once, to be sent to many connections (<see cref="Broadcast"/>,
/// <see cref="WebSocketConnection.TrySend(PreparedMessage, BroadcastPolicy)"/>) without framing it again for each; with permessage-deflate, it is
/// also compressed once for every group of recipients that compress each message on its own with the same window.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class PreparedMessage
{
    private PreparedMessage(Message message)
    {
        Message = message;
        Frame = new BroadcastFrame(message.Type, message.Data);
    }

    /// <summary>The message.</summary>
    public Message Message { get; }

    internal BroadcastFrame Frame { get; }

    /// <summary>Frames <paramref name="message"/> once.</summary>
    public static PreparedMessage Create(Message message) => new(message);
}
