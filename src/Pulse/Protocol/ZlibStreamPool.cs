using System.Collections.Concurrent;

namespace Pulse.Protocol;

/// <summary>
/// Reset zlib streams kept for reuse by connections that start every message afresh (no context takeover):
/// such a stream holds nothing of a connection between messages, so a few shared ones serve them all, and
/// an idle connection holds none. Bounded: a stream returned to a full pool is freed.
/// </summary>
internal static class ZlibStreamPool
{
    // Enough for every core to be compressing and decompressing at once, with slack; each holds 10–260 KiB.
    private static readonly int s_capacity = Math.Max(4, Environment.ProcessorCount * 2);

    private static readonly ConcurrentDictionary<(bool Deflate, int WindowBits, int MemLevel), Bucket> s_buckets = new();

    public static ZlibStream RentDeflater(int windowBits, int memLevel) =>
        BucketFor(true, windowBits, memLevel).TryTake() ?? ZlibStream.CreateDeflater(windowBits, memLevel);

    public static ZlibStream RentInflater(int windowBits) =>
        BucketFor(false, windowBits, 0).TryTake() ?? ZlibStream.CreateInflater(windowBits);

    /// <summary>Resets <paramref name="stream"/> and keeps it, or frees it when the pool is full or the reset fails.</summary>
    public static void Return(ZlibStream stream, int windowBits, int memLevel)
    {
        try
        {
            stream.Reset();
        }
        catch (InvalidOperationException)
        {
            stream.Dispose();
            return;
        }

        if (!BucketFor(stream.IsDeflate, windowBits, stream.IsDeflate ? memLevel : 0).TryAdd(stream))
        {
            stream.Dispose();
        }
    }

    private static Bucket BucketFor(bool deflate, int windowBits, int memLevel) =>
        s_buckets.GetOrAdd((deflate, windowBits, memLevel), static _ => new Bucket());

    private sealed class Bucket
    {
        private readonly ConcurrentQueue<ZlibStream> _streams = new();
        private int _count;

        public ZlibStream? TryTake()
        {
            if (!_streams.TryDequeue(out var stream))
            {
                return null;
            }

            Interlocked.Decrement(ref _count);
            return stream;
        }

        public bool TryAdd(ZlibStream stream)
        {
            if (Interlocked.Increment(ref _count) > s_capacity)
            {
                Interlocked.Decrement(ref _count);
                return false;
            }

            _streams.Enqueue(stream);
            return true;
        }
    }
}
