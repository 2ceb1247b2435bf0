using System.Buffers;
using System.Globalization;
using System.Text;
using Pulse.Redis.Resp;

namespace Pulse.Redis.Tests;

/// <summary>
/// Seeded random input for the RESP reader: random values cut into random pieces parse back exactly, and
/// random corruptions only ever end as "incomplete" or <see cref="RespProtocolException"/>. Fixed seeds keep
/// runs repeatable; PULSE_FUZZ_ITERATIONS raises the count.
/// </summary>
public sealed class RespFuzzTests
{
    private static readonly int s_iterations =
        int.TryParse(Environment.GetEnvironmentVariable("PULSE_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 300;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomValuesInRandomPieces_ParseBackExactly(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < s_iterations; i++)
        {
            var values = Enumerable.Range(0, random.Next(1, 5)).Select(_ => RandomValue(random, 0)).ToArray();
            var wire = values.SelectMany(Encode).ToArray();

            var parsed = ReadInPieces(wire, random);

            Assert.Equal(values.Length, parsed.Count);
            for (var v = 0; v < values.Length; v++)
            {
                Assert.True(Same(values[v], parsed[v]), $"seed {seed} iteration {i}: value {v} differs: {values[v]} vs {parsed[v]}");
            }
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void CorruptedFrames_EndIncompleteOrAsProtocolErrors_NeverOtherwise(int seed)
    {
        var random = new Random(seed);
        var reader = new RespReader(maxBulkLength: 1 << 16, maxAggregateLength: 1 << 12);
        var outcomes = new int[3];
        for (var i = 0; i < s_iterations * 3; i++)
        {
            var wire = Encode(RandomValue(random, 0)).ToArray();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                wire[random.Next(wire.Length)] = (byte)random.Next(256);
            }

            try
            {
                var complete = reader.TryRead(new ReadOnlySequence<byte>(wire), out _, out _);
                outcomes[complete ? 0 : 1]++;
            }
            catch (RespProtocolException)
            {
                outcomes[2]++;
            }
        }

        // Each outcome happens: the corruptions reach every path rather than all failing the same way.
        Assert.All(outcomes, count => Assert.True(count > 0, $"seed {seed}: outcomes {string.Join('/', outcomes)}"));
    }

    private static List<RespValue> ReadInPieces(byte[] wire, Random random)
    {
        // As a pipe does: bytes arrive in pieces, unread bytes stay, each read starts where the last value ended.
        var reader = new RespReader();
        var pending = new List<byte>();
        var parsed = new List<RespValue>();
        var offset = 0;
        while (offset < wire.Length)
        {
            var piece = Math.Min(random.Next(1, 24), wire.Length - offset);
            pending.AddRange(wire.AsSpan(offset, piece));
            offset += piece;
            while (true)
            {
                var sequence = new ReadOnlySequence<byte>(pending.ToArray());
                if (!reader.TryRead(sequence, out var value, out var consumed))
                {
                    break;
                }

                parsed.Add(value);
                pending.RemoveRange(0, (int)sequence.Slice(0, consumed).Length);
            }
        }

        Assert.Empty(pending);
        return parsed;
    }

    private static RespValue RandomValue(Random random, int depth)
    {
        var kind = depth >= 3 ? random.Next(10) : random.Next(14);
        return kind switch
        {
            0 => RespValue.Text(RespType.SimpleString, Word(random)),
            1 => RespValue.Text(RespType.Error, Encoding.ASCII.GetBytes("ERR " + Encoding.ASCII.GetString(Word(random)))),
            2 => RespValue.FromInteger(random.NextInt64(long.MinValue, long.MaxValue)),
            3 => RespValue.Text(RespType.BulkString, Bytes(random)),
            4 => RespValue.Null,
            5 => RespValue.FromDouble(Math.Round((random.NextDouble() - 0.5) * 1e6, 3)),
            6 => RespValue.FromBoolean(random.Next(2) == 0),
            7 => RespValue.Text(RespType.BigNumber, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(10))))),
            8 => RespValue.Text(RespType.BulkError, Bytes(random)),
            9 => RespValue.Text(RespType.VerbatimString, Bytes(random)),
            10 => Aggregate(random, RespType.Array, depth),
            11 => Aggregate(random, RespType.Set, depth),
            12 => Aggregate(random, RespType.Push, depth),
            _ => Aggregate(random, RespType.Map, depth),
        };
    }

    private static RespValue Aggregate(Random random, RespType type, int depth)
    {
        var count = random.Next(0, 5) * (type == RespType.Map ? 2 : 1);
        return RespValue.Aggregate(type, [.. Enumerable.Range(0, count).Select(_ => RandomValue(random, depth + 1))]);
    }

    private static byte[] Word(Random random) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => (char)random.Next('a', 'z' + 1))));

    private static byte[] Bytes(Random random)
    {
        var bytes = new byte[random.Next(0, 64)];
        random.NextBytes(bytes); // CR, LF and every other byte included: bulk strings are binary-safe
        return bytes;
    }

    private static IEnumerable<byte> Encode(RespValue value)
    {
        static byte[] Line(char prefix, string text) => Encoding.ASCII.GetBytes($"{prefix}{text}\r\n");
        static byte[] Bulk(char prefix, ReadOnlyMemory<byte> bytes) =>
            [.. Line(prefix, bytes.Length.ToString(CultureInfo.InvariantCulture)), .. bytes.Span, (byte)'\r', (byte)'\n'];

        return value.Type switch
        {
            RespType.SimpleString => Line('+', value.AsString()!),
            RespType.Error => Line('-', value.AsString()!),
            RespType.Number => Line(':', value.Number.ToString(CultureInfo.InvariantCulture)),
            RespType.BulkString => Bulk('$', value.Bytes),
            RespType.Null => Line('_', ""),
            RespType.Real => Line(',', value.Real.ToString("R", CultureInfo.InvariantCulture)),
            RespType.Boolean => Line('#', value.Number != 0 ? "t" : "f"),
            RespType.BigNumber => Line('(', value.AsString()!),
            RespType.BulkError => Bulk('!', value.Bytes),
            RespType.VerbatimString => Bulk('=', (byte[])[.. "txt:"u8, .. value.Bytes.Span]),
            _ => [.. Line(AggregatePrefix(value.Type), (value.Type == RespType.Map ? value.Items.Count / 2 : value.Items.Count).ToString(CultureInfo.InvariantCulture)), .. value.Items.SelectMany(Encode)],
        };
    }

    private static char AggregatePrefix(RespType type) => type switch
    {
        RespType.Array => '*',
        RespType.Set => '~',
        RespType.Push => '>',
        _ => '%',
    };

    private static bool Same(RespValue a, RespValue b) =>
        a.Type == b.Type
        && a.Bytes.Span.SequenceEqual(b.Bytes.Span)
        && a.Number == b.Number
        && a.Real.Equals(b.Real)
        && a.Items.Count == b.Items.Count
        && a.Items.Zip(b.Items).All(pair => Same(pair.First, pair.Second));
}
