using System.Buffers;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>
/// Drives a <see cref="WebSocketProtocol"/> the way a pipe reader does: bytes arrive, <c>Receive</c> runs until it
/// needs more, what it did not consume is kept (as it is, unmasked in place or not) and handed back with the next bytes.
/// </summary>
internal sealed class ProtocolHarness
{
    private byte[] _unconsumed = [];

    public ProtocolHarness(Role role, int maxMessageSize = 1024 * 1024, byte[]? maskKey = null, PerMessageDeflateParameters? compression = null, CompressionOptions? compressionOptions = null)
    {
        Protocol = maskKey is null
            ? new WebSocketProtocol(role, maxMessageSize, compression, compressionOptions)
            : new WebSocketProtocol(role, maxMessageSize, maskKey, compression, compressionOptions);
    }

    public WebSocketProtocol Protocol { get; }

    public ArrayBufferWriter<byte> Replies { get; } = new();

    public List<RecordedEvent> Events { get; } = [];

    /// <summary>Bytes held back because the protocol has not consumed them yet.</summary>
    public int UnconsumedLength => _unconsumed.Length;

    /// <summary>Feeds bytes as one new segment after the unconsumed ones; returns the events they produced.</summary>
    public List<RecordedEvent> Feed(ReadOnlySpan<byte> bytes) => FeedSegments(bytes.ToArray());

    /// <summary>Feeds bytes split into segments of <paramref name="segmentLength"/> bytes, all in one input.</summary>
    public List<RecordedEvent> FeedSegmented(byte[] bytes, int segmentLength) =>
        FeedSegments([.. bytes.Chunk(segmentLength)]);

    /// <summary>Feeds bytes in successive inputs of the given lengths (the last input takes the rest).</summary>
    public List<RecordedEvent> FeedInChunks(byte[] bytes, IEnumerable<int> chunkLengths)
    {
        var events = new List<RecordedEvent>();
        var offset = 0;
        foreach (var length in chunkLengths)
        {
            if (offset >= bytes.Length)
            {
                break;
            }

            var count = Math.Min(length, bytes.Length - offset);
            events.AddRange(Feed(bytes.AsSpan(offset, count)));
            offset += count;
        }

        if (offset < bytes.Length)
        {
            events.AddRange(Feed(bytes.AsSpan(offset)));
        }

        return events;
    }

    public List<RecordedEvent> FeedByteByByte(byte[] bytes) => FeedInChunks(bytes, Enumerable.Repeat(1, bytes.Length));

    /// <summary>Feeds bytes in inputs of random lengths from 1 to <paramref name="maxChunk"/>, from a fixed seed.</summary>
    public List<RecordedEvent> FeedInRandomChunks(byte[] bytes, int seed, int maxChunk)
    {
        var random = new Random(seed);
        var lengths = new List<int>();
        for (var total = 0; total < bytes.Length;)
        {
            var length = random.Next(1, maxChunk + 1);
            lengths.Add(length);
            total += length;
        }

        return FeedInChunks(bytes, lengths);
    }

    /// <summary>The replies written so far, then forgets them.</summary>
    public byte[] TakeReplies()
    {
        var replies = Replies.WrittenSpan.ToArray();
        Replies.Clear();
        return replies;
    }

    private List<RecordedEvent> FeedSegments(params byte[][] segments)
    {
        var input = TestSequence.Create([_unconsumed, .. segments]);
        var events = new List<RecordedEvent>();
        while (true)
        {
            var e = Protocol.Receive(ref input, Replies);
            if (e.Kind == ProtocolEventKind.None)
            {
                break;
            }

            events.Add(RecordedEvent.From(e));
        }

        _unconsumed = input.ToArray();
        Events.AddRange(events);
        return events;
    }
}
