using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>
/// Autobahn family 1, base framing (RFC 6455 §5.1–§5.2): text and binary messages whose lengths cross each
/// payload-length encoding (7-bit up to 125, 16-bit up to 65535, 64-bit beyond) are echoed byte for byte however
/// the bytes arrive; a frame the server cannot accept is failed with 1002.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class Autobahn1_FramingTests(EchoServerFixture server) : IClassFixture<EchoServerFixture>
{
    private const int MiB = 1024 * 1024;

    public static TheoryData<MessageType, int> AllLengths => Lengths(0, 125, 126, 127, 128, 65535, 65536, 16 * MiB);

    public static TheoryData<MessageType, int> SmallLengths => Lengths(0, 125, 126, 127, 128);

    public static TheoryData<MessageType, int> LargeLengths => Lengths(65535, 65536, 16 * MiB);

    /// <summary>RFC 6455 §5.2: a message of any length up to the limit, in one frame written at once, is echoed byte for byte.</summary>
    [Theory]
    [MemberData(nameof(AllLengths))]
    public async Task Message_WrittenAtOnce_IsEchoed(MessageType type, int length)
    {
        await using var ws = await server.OpenAsync();
        var payload = Payloads.For(type, length);

        await ws.SendFrameAsync((int)type, payload);

        await ws.ExpectEchoAsync((int)type, payload);
    }

    /// <summary>RFC 6455 §5.2: a frame written one byte per TCP segment is parsed the same and echoed byte for byte.</summary>
    [Theory]
    [MemberData(nameof(SmallLengths))]
    public async Task Message_WrittenByteByByte_IsEchoed(MessageType type, int length)
    {
        await using var ws = await server.OpenAsync();
        var payload = Payloads.For(type, length);

        await ws.SendRawInChunksAsync(RawWebSocket.BuildFrame((int)type, payload), 1);

        await ws.ExpectEchoAsync((int)type, payload);
    }

    /// <summary>RFC 6455 §5.2: a large frame written in 997-byte pieces (Autobahn's chop size) is echoed byte for byte.</summary>
    [Theory]
    [MemberData(nameof(LargeLengths))]
    public async Task Message_WrittenIn997BytePieces_IsEchoed(MessageType type, int length)
    {
        await using var ws = await server.OpenAsync();
        var payload = Payloads.For(type, length);

        await ws.SendRawInChunksAsync(RawWebSocket.BuildFrame((int)type, payload), 997);

        await ws.ExpectEchoAsync((int)type, payload);
    }

    /// <summary>RFC 6455 §5.1: a server must close the connection on a client frame that is not masked (with 1002).</summary>
    [Theory]
    [InlineData(RawFrame.Text)]
    [InlineData(RawFrame.Binary)]
    [InlineData(RawFrame.Ping)]
    [InlineData(RawFrame.Close)]
    public async Task UnmaskedClientFrame_FailsWith1002(int opcode)
    {
        await using var ws = await server.OpenAsync();
        var payload = opcode == RawFrame.Close ? RawWebSocket.ClosePayload(1000) : "unmasked"u8.ToArray();

        await ws.SendFrameAsync(opcode, payload, mask: false);

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>RFC 6455 §5.2: the most significant bit of a 64-bit payload length must be 0; a frame with it set fails with 1002.</summary>
    [Fact]
    public async Task PayloadLengthWithMostSignificantBitSet_FailsWith1002()
    {
        await using var ws = await server.OpenAsync();
        byte[] header = [0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 0x12, 0x34, 0x56, 0x78];

        await ws.SendRawAsync(Frames.Concat(header, new byte[16]));

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>RFC 6455 §5.2: several frames arriving in one TCP segment are each parsed; their messages are echoed in order.</summary>
    [Fact]
    public async Task ManyMessages_InOneWrite_AreEchoedInOrder()
    {
        await using var ws = await server.OpenAsync();
        var messages = Enumerable.Range(0, 50).Select(i => (Type: i % 2 == 0 ? MessageType.Text : MessageType.Binary, Payload: Payloads.For(i % 2 == 0 ? MessageType.Text : MessageType.Binary, i * 7))).ToList();

        await ws.SendRawAsync(Frames.Concat(messages.Select(m => RawWebSocket.BuildFrame((int)m.Type, m.Payload))));

        foreach (var (type, payload) in messages)
        {
            await ws.ExpectEchoAsync((int)type, payload);
        }
    }

    private static TheoryData<MessageType, int> Lengths(params int[] lengths)
    {
        var data = new TheoryData<MessageType, int>();
        foreach (var type in new[] { MessageType.Text, MessageType.Binary })
        {
            foreach (var length in lengths)
            {
                data.Add(type, length);
            }
        }

        return data;
    }
}
