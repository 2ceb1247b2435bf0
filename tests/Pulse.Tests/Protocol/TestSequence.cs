using System.Buffers;

namespace Pulse.Tests.Protocol;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, as a pipe hands them out.</summary>
internal static class TestSequence
{
    /// <summary>A sequence over the given arrays (not copies), one segment each; empty arrays are skipped.</summary>
    public static ReadOnlySequence<byte> Create(params byte[][] segments)
    {
        Segment? first = null;
        Segment? last = null;
        foreach (var bytes in segments)
        {
            if (bytes.Length == 0)
            {
                continue;
            }

            var segment = new Segment(bytes, last?.RunningIndex + last?.Memory.Length ?? 0);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.SetNext(segment);
            }

            last = segment;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
