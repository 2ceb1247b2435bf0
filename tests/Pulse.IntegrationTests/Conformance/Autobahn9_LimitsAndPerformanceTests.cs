using System.Buffers.Binary;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>
/// Autobahn family 9, limits and performance, bounded: large messages up to /echo's 16 MiB limit in one frame,
/// in fragments and in small writes, many messages in flight, and the limit itself (RFC 6455 §7.4.1: 1009 for a
/// message too big to process). Every case has a fixed size and a deadline; nothing loops unbounded.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class Autobahn9_LimitsAndPerformanceTests(EchoServerFixture server) : IClassFixture<EchoServerFixture>
{
    private const int KiB = 1024;
    private const int MiB = 1024 * 1024;

    private static readonly TimeSpan s_bulkDeadline = TestTimeouts.Scaled(TimeSpan.FromSeconds(120));

    /// <summary>RFC 6455 §5.2, §5.6: large text (multi-byte UTF-8) and binary messages in one frame, up to the limit itself, are echoed byte for byte.</summary>
    [Theory]
    [InlineData(MessageType.Text, 256 * KiB)]
    [InlineData(MessageType.Text, 4 * MiB)]
    [InlineData(MessageType.Text, 16 * MiB)]
    [InlineData(MessageType.Binary, 256 * KiB)]
    [InlineData(MessageType.Binary, 4 * MiB)]
    [InlineData(MessageType.Binary, 16 * MiB)]
    public async Task LargeMessage_InOneFrame_IsEchoed(MessageType type, int size)
    {
        await using var ws = await server.OpenAsync();
        var payload = Payloads.For(type, size);

        await ws.SendFrameAsync((int)type, payload);

        await ws.ExpectEchoAsync((int)type, payload);
    }

    /// <summary>RFC 6455 §5.4: a 4 MiB message in fragments of 64 B to 4 MiB is echoed byte for byte (Autobahn 9.3, 9.4).</summary>
    [Theory]
    [InlineData(MessageType.Text, 64)]
    [InlineData(MessageType.Text, 4 * KiB)]
    [InlineData(MessageType.Text, 64 * KiB)]
    [InlineData(MessageType.Text, 4 * MiB)]
    [InlineData(MessageType.Binary, 64)]
    [InlineData(MessageType.Binary, 4 * KiB)]
    [InlineData(MessageType.Binary, 64 * KiB)]
    [InlineData(MessageType.Binary, 4 * MiB)]
    public async Task FourMiBMessage_InFragmentsOf_IsEchoed(MessageType type, int fragmentSize)
    {
        await using var ws = await server.OpenAsync();
        var payload = Payloads.For(type, 4 * MiB);

        await ws.SendRawAsync(Frames.Concat(Frames.Fragments((int)type, payload, fragmentSize)));

        await ws.ExpectEchoAsync((int)type, payload);
    }

    /// <summary>RFC 6455 §5.2: a 1 MiB frame written in pieces of 64 B to 2 KiB is echoed byte for byte (Autobahn 9.5, 9.6).</summary>
    [Theory]
    [InlineData(MessageType.Text, 64)]
    [InlineData(MessageType.Text, 512)]
    [InlineData(MessageType.Text, 2 * KiB)]
    [InlineData(MessageType.Binary, 64)]
    [InlineData(MessageType.Binary, 512)]
    [InlineData(MessageType.Binary, 2 * KiB)]
    public async Task OneMiBMessage_WrittenInPiecesOf_IsEchoed(MessageType type, int pieceSize)
    {
        await using var ws = await server.OpenAsync();
        var payload = Payloads.For(type, MiB);

        await ws.SendRawInChunksAsync(RawWebSocket.BuildFrame((int)type, payload), pieceSize);

        await ws.ExpectEchoAsync((int)type, payload);
    }

    /// <summary>RFC 6455 §5.2: 1000 small text messages written at once are all echoed, in order (Autobahn 9.7).</summary>
    [Fact]
    public async Task ThousandSmallMessages_AreEchoedInOrder()
    {
        await using var ws = await server.OpenAsync();
        var texts = Enumerable.Range(0, 1000).Select(i => $"message {i}: κόσμε").ToList();

        await ws.SendRawAsync(Frames.Concat(texts.Select(t => Frames.Text(t))));

        foreach (var text in texts)
        {
            await ws.ExpectEchoAsync(RawFrame.Text, text);
        }
    }

    /// <summary>
    /// RFC 6455 §5.2: 1000 binary messages of 64 KiB (64 MiB in all), written while the echoes are read, all come
    /// back in order and intact; flow control holds both ways (Autobahn 9.8).
    /// </summary>
    [Fact]
    public async Task ThousandMessagesOf64KiB_WrittenWhileReading_AreEchoedInOrder()
    {
        const int Count = 1000;
        await using var ws = await server.OpenAsync();
        var template = Payloads.Binary(64 * KiB);

        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < Count; i++)
            {
                await ws.SendFrameAsync(RawFrame.Binary, Numbered(template, i));
            }
        });
        var reading = Task.Run(async () =>
        {
            for (var i = 0; i < Count; i++)
            {
                await ws.ExpectEchoAsync(RawFrame.Binary, Numbered(template, i));
            }
        });

        await Task.WhenAll(writing, reading).WaitAsync(s_bulkDeadline);
    }

    /// <summary>
    /// RFC 6455 §7.4.1 (1009) with issue #2's streaming rule: a frame declaring one byte more than the 16 MiB limit
    /// fails with 1009 once its header is read, without the server waiting for (or holding) its payload.
    /// </summary>
    [Fact]
    public async Task FrameOneByteOverTheLimit_FailsWith1009FromItsHeader()
    {
        await using var ws = await server.OpenAsync();
        var frame = RawWebSocket.BuildFrame(RawFrame.Binary, new byte[EchoServerFixture.MaxMessageSize + 1]);

        await ws.SendRawAsync(frame.AsMemory(0, 64 * KiB));

        await ws.ExpectFailureAsync(1009);
    }

    /// <summary>RFC 6455 §7.4.1: a fragmented message whose fragments add up to one byte over the 16 MiB limit fails with 1009.</summary>
    [Fact]
    public async Task FragmentedMessageOneByteOverTheLimit_FailsWith1009()
    {
        await using var ws = await server.OpenAsync();
        var half = Payloads.Binary(EchoServerFixture.MaxMessageSize / 2);

        await ws.SendRawAsync(Frames.Concat(
            RawWebSocket.BuildFrame(RawFrame.Binary, half, fin: false),
            RawWebSocket.BuildFrame(RawFrame.Continuation, half, fin: false),
            RawWebSocket.BuildFrame(RawFrame.Continuation, [0x2A], fin: true)));

        await ws.ExpectFailureAsync(1009);
    }

    private static byte[] Numbered(byte[] template, int number)
    {
        var payload = (byte[])template.Clone();
        BinaryPrimitives.WriteInt32BigEndian(payload, number);
        return payload;
    }
}
