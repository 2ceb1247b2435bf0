using System.Buffers;
using System.Buffers.Text;

namespace Pulse.Redis.Resp;

/// <summary>
/// Parses RESP2 and RESP3 values from bytes: pure, no I/O. A value split across reads is reported as
/// incomplete, so the caller keeps the bytes and tries again when more arrive.
/// </summary>
public sealed class RespReader
{
    /// <summary>The deepest nesting accepted; deeper input is treated as hostile.</summary>
    public const int MaxDepth = 32;

    /// <summary>Creates a reader with limits on what one value may claim, so a corrupt length cannot exhaust memory.</summary>
    /// <param name="maxBulkLength">The largest bulk string accepted. Redis's own limit is 512 MiB.</param>
    /// <param name="maxAggregateLength">The most items one array, set, map or push may announce.</param>
    public RespReader(int maxBulkLength = 512 * 1024 * 1024, int maxAggregateLength = 16 * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBulkLength);
        ArgumentOutOfRangeException.ThrowIfNegative(maxAggregateLength);
        MaxBulkLength = maxBulkLength;
        MaxAggregateLength = maxAggregateLength;
    }

    /// <summary>The largest bulk string accepted.</summary>
    public int MaxBulkLength { get; }

    /// <summary>The most items one aggregate may announce.</summary>
    public int MaxAggregateLength { get; }

    /// <summary>
    /// Reads one complete value from the start of <paramref name="buffer"/>.
    /// </summary>
    /// <returns>True with the value and the position after it; false when the value is not complete yet.</returns>
    /// <exception cref="RespProtocolException">The bytes are not RESP.</exception>
    public bool TryRead(ReadOnlySequence<byte> buffer, out RespValue value, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (TryReadValue(ref reader, 0, out var read))
        {
            value = read!;
            consumed = reader.Position;
            return true;
        }

        value = RespValue.Null;
        consumed = buffer.Start;
        return false;
    }

    private bool TryReadValue(ref SequenceReader<byte> reader, int depth, out RespValue? value)
    {
        value = null;
        if (depth > MaxDepth)
        {
            throw new RespProtocolException($"RESP values nested deeper than {MaxDepth}");
        }

        if (!reader.TryRead(out var prefix) || !TryReadLine(ref reader, out var line))
        {
            return false;
        }

        switch (prefix)
        {
            case (byte)'+':
                value = RespValue.Text(RespType.SimpleString, line.ToArray());
                return true;
            case (byte)'-':
                value = RespValue.Text(RespType.Error, line.ToArray());
                return true;
            case (byte)':':
                value = RespValue.FromInteger(ParseInteger(line, "integer"));
                return true;
            case (byte)'(':
                value = RespValue.Text(RespType.BigNumber, CheckBigNumber(line));
                return true;
            case (byte)',':
                value = RespValue.FromDouble(ParseDouble(line));
                return true;
            case (byte)'#':
                value = line.Length == 1 && line[0] is (byte)'t' or (byte)'f'
                    ? RespValue.FromBoolean(line[0] == 't')
                    : throw new RespProtocolException("a RESP boolean must be #t or #f");
                return true;
            case (byte)'_':
                value = line.Length == 0 ? RespValue.Null : throw new RespProtocolException("a RESP null must be '_' alone");
                return true;
            case (byte)'$':
                return TryReadBulk(ref reader, line, RespType.BulkString, out value);
            case (byte)'!':
                return TryReadBulk(ref reader, line, RespType.BulkError, out value);
            case (byte)'=':
                if (!TryReadBulk(ref reader, line, RespType.VerbatimString, out value))
                {
                    return false;
                }

                // The payload starts with a three-letter format and a colon ("txt:"); the value is what follows.
                value = value!.Bytes.Length >= 4 && value.Bytes.Span[3] == ':'
                    ? RespValue.Text(RespType.VerbatimString, value.Bytes[4..])
                    : throw new RespProtocolException("a RESP verbatim string must start with a format like 'txt:'");
                return true;
            case (byte)'*':
                return TryReadAggregate(ref reader, line, RespType.Array, 1, depth, out value);
            case (byte)'~':
                return TryReadAggregate(ref reader, line, RespType.Set, 1, depth, out value);
            case (byte)'>':
                return TryReadAggregate(ref reader, line, RespType.Push, 1, depth, out value);
            case (byte)'%':
                return TryReadAggregate(ref reader, line, RespType.Map, 2, depth, out value);
            case (byte)'|':
                // Attributes describe the value that follows; nothing here needs them, so they are skipped.
                return TryReadAggregate(ref reader, line, RespType.Map, 2, depth, out _) && TryReadValue(ref reader, depth + 1, out value);
            default:
                throw new RespProtocolException($"unknown RESP type byte 0x{prefix:x2}");
        }
    }

    private bool TryReadBulk(ref SequenceReader<byte> reader, scoped ReadOnlySpan<byte> line, RespType type, out RespValue? value)
    {
        value = null;
        var length = ParseInteger(line, "length");
        if (length == -1 && type == RespType.BulkString)
        {
            value = RespValue.Null;
            return true;
        }

        if (length < 0 || length > MaxBulkLength)
        {
            throw new RespProtocolException($"a RESP bulk length of {length} is out of range (0..{MaxBulkLength})");
        }

        if (reader.Remaining < length + 2)
        {
            return false;
        }

        var bytes = new byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            throw new RespProtocolException("a RESP bulk string must end with CRLF after its length");
        }

        value = RespValue.Text(type, bytes);
        return true;
    }

    private bool TryReadAggregate(ref SequenceReader<byte> reader, scoped ReadOnlySpan<byte> line, RespType type, int itemsPerEntry, int depth, out RespValue? value)
    {
        value = null;
        var count = ParseInteger(line, "length");
        if (count == -1 && type == RespType.Array)
        {
            value = RespValue.Null;
            return true;
        }

        if (count < 0 || count > MaxAggregateLength)
        {
            throw new RespProtocolException($"a RESP aggregate length of {count} is out of range (0..{MaxAggregateLength})");
        }

        // Every item takes at least 3 bytes ("_\r\n"), so a length the buffer cannot hold waits without allocating.
        var total = (int)count * itemsPerEntry;
        if (reader.Remaining < total * 3L)
        {
            return false;
        }

        var items = new RespValue[total];
        for (var i = 0; i < total; i++)
        {
            if (!TryReadValue(ref reader, depth + 1, out var item))
            {
                return false;
            }

            items[i] = item!;
        }

        value = RespValue.Aggregate(type, items);
        return true;
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySpan<byte> line)
    {
        if (!reader.TryReadTo(out ReadOnlySequence<byte> sequence, (byte)'\r', advancePastDelimiter: true))
        {
            line = default;
            return false;
        }

        if (!reader.TryRead(out var next))
        {
            line = default;
            return false;
        }

        if (next != '\n')
        {
            throw new RespProtocolException("a RESP line must end with CRLF");
        }

        line = sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();
        if (line.IndexOf((byte)'\n') >= 0)
        {
            throw new RespProtocolException("a RESP line must not contain LF");
        }

        return true;
    }

    private static long ParseInteger(ReadOnlySpan<byte> line, string what) =>
        Utf8Parser.TryParse(line, out long value, out var used) && used == line.Length && line.Length > 0
            ? value
            : throw new RespProtocolException($"a RESP {what} must be a decimal integer");

    private static double ParseDouble(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual("inf"u8))
        {
            return double.PositiveInfinity;
        }

        if (line.SequenceEqual("-inf"u8))
        {
            return double.NegativeInfinity;
        }

        if (line.SequenceEqual("nan"u8))
        {
            return double.NaN;
        }

        return Utf8Parser.TryParse(line, out double value, out var used) && used == line.Length && line.Length > 0
            ? value
            : throw new RespProtocolException("a RESP double must be a decimal number, inf, -inf or nan");
    }

    private static byte[] CheckBigNumber(ReadOnlySpan<byte> line)
    {
        var digits = line.Length > 0 && line[0] is (byte)'-' or (byte)'+' ? line[1..] : line;
        if (digits.Length == 0 || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            throw new RespProtocolException("a RESP big number must be decimal digits");
        }

        return line.ToArray();
    }
}
