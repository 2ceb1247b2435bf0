using System.Globalization;
using System.Text;

namespace Pulse.Redis.Resp;

/// <summary>One parsed RESP value. Immutable; byte payloads are copies owned by the value.</summary>
public sealed class RespValue
{
    private static readonly RespValue[] s_noItems = [];

    private RespValue(RespType type, ReadOnlyMemory<byte> bytes, long integer, double number, IReadOnlyList<RespValue> items)
    {
        Type = type;
        Bytes = bytes;
        Number = integer;
        Real = number;
        Items = items;
    }

    /// <summary>The null value.</summary>
    public static RespValue Null { get; } = new(RespType.Null, default, 0, 0, s_noItems);

    /// <summary>The kind of value.</summary>
    public RespType Type { get; }

    /// <summary>The payload of strings, errors, big numbers and verbatim strings.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The value of an integer, or 1/0 for a boolean.</summary>
    public long Number { get; }

    /// <summary>The value of a double.</summary>
    public double Real { get; }

    /// <summary>The items of an array, set, push or map (key, value, key, value…); empty otherwise.</summary>
    public IReadOnlyList<RespValue> Items { get; }

    /// <summary>Whether this is an error reply (<c>-</c> or <c>!</c>).</summary>
    public bool IsError => Type is RespType.Error or RespType.BulkError;

    /// <summary>Whether this is null.</summary>
    public bool IsNull => Type == RespType.Null;

    /// <summary>Whether this holds items (array, set, push, map).</summary>
    public bool IsAggregate => Type is RespType.Array or RespType.Set or RespType.Push or RespType.Map;

    /// <summary>A simple string, error, bulk string, big number or verbatim string.</summary>
    public static RespValue Text(RespType type, ReadOnlyMemory<byte> bytes) => new(type, bytes, 0, 0, s_noItems);

    /// <summary>An integer.</summary>
    public static RespValue FromInteger(long value) => new(RespType.Number, default, value, 0, s_noItems);

    /// <summary>A RESP3 double.</summary>
    public static RespValue FromDouble(double value) => new(RespType.Real, default, 0, value, s_noItems);

    /// <summary>A RESP3 boolean.</summary>
    public static RespValue FromBoolean(bool value) => new(RespType.Boolean, default, value ? 1 : 0, 0, s_noItems);

    /// <summary>An array, set, push or map.</summary>
    public static RespValue Aggregate(RespType type, IReadOnlyList<RespValue> items) => new(type, default, 0, 0, items);

    /// <summary>The payload as UTF-8 text; integers and doubles as their invariant text; null as null.</summary>
    public string? AsString() => Type switch
    {
        RespType.Null => null,
        RespType.Number => Number.ToString(CultureInfo.InvariantCulture),
        RespType.Real => Real.ToString("R", CultureInfo.InvariantCulture),
        RespType.Boolean => Number != 0 ? "true" : "false",
        _ when IsAggregate => throw new InvalidCastException($"a RESP {Type} is not a string"),
        _ => Encoding.UTF8.GetString(Bytes.Span),
    };

    /// <summary>The value as an integer: an integer reply, or a string holding one.</summary>
    /// <exception cref="InvalidCastException">It is neither.</exception>
    public long AsInt64() => Type switch
    {
        RespType.Number or RespType.Boolean => Number,
        RespType.BulkString or RespType.SimpleString when long.TryParse(Bytes.Span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new InvalidCastException($"the RESP {Type} '{Describe()}' is not an integer"),
    };

    /// <summary>A short text for logs and exception messages.</summary>
    public string Describe() => Type switch
    {
        RespType.Null => "(nil)",
        _ when IsAggregate => $"{Type}[{Items.Count}]",
        _ => AsString() ?? "",
    };

    /// <inheritdoc/>
    public override string ToString() => $"{Type}: {Describe()}";
}
