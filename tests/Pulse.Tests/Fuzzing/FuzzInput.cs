namespace Pulse.Tests.Fuzzing;

/// <summary>
/// Inputs for the fuzz tests, from a fixed seed so a failure replays: random bytes, and mutations of valid inputs
/// (bit flips, byte changes, insertions, deletions, duplications, truncation, splices). Every input is an array of
/// its exact length, so a parser that reads past its input throws instead of reading a neighbour's bytes.
/// </summary>
internal static class FuzzInput
{
    /// <summary>Iterations per fuzz case: 400 in CI, more with <c>PULSE_FUZZ_ITERATIONS</c>.</summary>
    public static int Iterations { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("PULSE_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 400;

    /// <summary>Random bytes, 0 to <paramref name="maxLength"/> of them.</summary>
    public static byte[] RandomBytes(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A copy of <paramref name="valid"/> with 1 to 4 random mutations.</summary>
    public static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        for (var mutations = random.Next(1, 5); mutations > 0; mutations--)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = s_interesting[random.Next(s_interesting.Length)];
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 9)));
                    break;
                case 4 when bytes.Count > 0:
                    var length = Math.Min(bytes.Count - at, random.Next(1, 33));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                case 5:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes.InsertRange(at, RandomBytes(random, 16));
                    break;
            }
        }

        return [.. bytes];
    }

    // Values at the edges of what parsers branch on: lengths 125/126/127, high bits, UTF-8 lead bytes, JSON and varint specials.
    private static readonly byte[] s_interesting = [0x00, 0x01, 0x7D, 0x7E, 0x7F, 0x80, 0x81, 0xC0, 0xE0, 0xED, 0xF0, 0xF4, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)'[', (byte)'\n'];
}
