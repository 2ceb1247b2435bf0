using System.Text;

namespace Pulse;

/// <summary>A whole WebSocket message: text or binary, with its payload bytes.</summary>
/// <remarks>
/// The payload is copied once, from the connection's input into a buffer the message owns, so a message may be
/// kept, queued or sent on to other connections freely. <see cref="Text"/> decodes the UTF-8 on each call.
/// </remarks>
public readonly struct Message : IEquatable<Message>
{
    /// <summary>Creates a message from its type and payload.</summary>
    public Message(MessageType type, ReadOnlyMemory<byte> data)
    {
        Type = type;
        Data = data;
    }

    /// <summary>Text or binary.</summary>
    public MessageType Type { get; }

    /// <summary>The payload: UTF-8 for a text message.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Whether this is a text message.</summary>
    public bool IsText => Type == MessageType.Text;

    /// <summary>The payload decoded as UTF-8 (for a binary message too, which may then hold replacement characters).</summary>
    public string Text => Encoding.UTF8.GetString(Data.Span);

    /// <summary>A text message.</summary>
    public static Message FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(MessageType.Text, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A binary message.</summary>
    public static Message FromBinary(ReadOnlyMemory<byte> data) => new(MessageType.Binary, data);

    /// <summary>The text, or a short description of a binary message.</summary>
    public override string ToString() => IsText ? Text : $"<binary, {Data.Length} bytes>";

    /// <summary>Same type and same payload bytes.</summary>
    public bool Equals(Message other) => Type == other.Type && Data.Span.SequenceEqual(other.Data.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Message other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.AddBytes(Data.Span);
        return hash.ToHashCode();
    }

    /// <summary>Same type and same payload bytes.</summary>
    public static bool operator ==(Message left, Message right) => left.Equals(right);

    /// <summary>Different type or payload bytes.</summary>
    public static bool operator !=(Message left, Message right) => !left.Equals(right);
}
