using System.Globalization;
using System.Text;

namespace Pulse.Redis.Resp;

/// <summary>One argument of a command, as the bytes sent: from text (UTF-8), a number, or raw bytes.</summary>
public readonly struct RedisArg
{
    /// <summary>Wraps raw bytes.</summary>
    public RedisArg(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

    /// <summary>The bytes sent.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Text, sent as UTF-8.</summary>
    public static implicit operator RedisArg(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>A number, sent as its decimal text.</summary>
    public static implicit operator RedisArg(long number) => new(Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Raw bytes.</summary>
    public static implicit operator RedisArg(byte[] bytes) => new(bytes);

    /// <summary>Raw bytes.</summary>
    public static implicit operator RedisArg(ReadOnlyMemory<byte> bytes) => new(bytes);

    /// <summary>Text, sent as UTF-8.</summary>
    public static RedisArg FromString(string text) => text;

    /// <summary>A number, sent as its decimal text.</summary>
    public static RedisArg FromInt64(long number) => number;

    /// <summary>Raw bytes.</summary>
    public static RedisArg FromBytes(ReadOnlyMemory<byte> bytes) => bytes;

    /// <inheritdoc/>
    public override string ToString() => Encoding.UTF8.GetString(Bytes.Span);
}
