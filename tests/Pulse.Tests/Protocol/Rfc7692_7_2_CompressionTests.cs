using System.Buffers;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>
/// RFC 7692 §7.2: "compress all the octets of the payload of the message using DEFLATE", "remove 4 octets (that are
/// 0x00 0x00 0xff 0xff) from the tail end", and to decompress, "append 4 octets of 0x00 0x00 0xff 0xff to the tail
/// end of the payload of the message" — with the windows and context takeover negotiated in §7.1.
/// </summary>
public class Rfc7692_7_2_CompressionTests
{
    private static readonly PerMessageDeflateParameters s_default = new();

    public static TheoryData<int, bool, bool> WindowsAndTakeover()
    {
        var data = new TheoryData<int, bool, bool>();
        for (var bits = 8; bits <= 15; bits++)
        {
            foreach (var serverNoContext in new[] { false, true })
            {
                foreach (var clientNoContext in new[] { false, true })
                {
                    data.Add(bits, serverNoContext, clientNoContext);
                }
            }
        }

        return data;
    }

    /// <summary>Every negotiated window (both directions) × context takeover (each direction), both ways, text and binary, 0 B to 1 MiB, two messages in a row.</summary>
    [Theory]
    [MemberData(nameof(WindowsAndTakeover))]
    public void RoundTrip_EveryWindowAndContextTakeover(int bits, bool serverNoContext, bool clientNoContext)
    {
        var parameters = new PerMessageDeflateParameters(serverNoContext, clientNoContext, bits, bits);
        var options = new CompressionOptions { MinimumSize = 0 };
        foreach (var role in new[] { Role.Server, Role.Client })
        {
            var (sender, receiver) = Deflate.Pair(role, parameters, 2 * 1024 * 1024, options);
            foreach (var length in new[] { 0, 1, 125, 126, 4096, 65536 + 1, 1024 * 1024 })
            {
                foreach (var (type, payload) in new[] { (MessageType.Text, Deflate.Text(length)), (MessageType.Binary, Deflate.Random(length, length)), (MessageType.Binary, Deflate.JsonChat(length)) })
                {
                    for (var repeat = 0; repeat < 2; repeat++)
                    {
                        var frame = Deflate.Write(sender, type, payload);
                        Assert.Equal(0x40, frame[0] & 0x40);

                        var events = receiver.Feed(frame);

                        var message = Assert.Single(ProtocolDeflateAssert.Messages(events));
                        Assert.Equal(payload, message);
                        Assert.All(events, e => Assert.Equal(type, e.MessageType));
                        Assert.Equal(0, receiver.UnconsumedLength);
                    }
                }
            }

            sender.Dispose();
            receiver.Protocol.Dispose();
        }
    }

    /// <summary>The server's and the client's windows apart: every pair of 8–15, each way.</summary>
    [Fact]
    public void RoundTrip_EveryPairOfServerAndClientWindows()
    {
        var payload = Deflate.JsonChat(100_000);
        for (var serverBits = 8; serverBits <= 15; serverBits++)
        {
            for (var clientBits = 8; clientBits <= 15; clientBits++)
            {
                var parameters = new PerMessageDeflateParameters(ServerMaxWindowBits: serverBits, ClientMaxWindowBits: clientBits);
                foreach (var role in new[] { Role.Server, Role.Client })
                {
                    var (sender, receiver) = Deflate.Pair(role, parameters);
                    for (var repeat = 0; repeat < 2; repeat++)
                    {
                        Assert.Equal(payload, Assert.Single(ProtocolDeflateAssert.Messages(receiver.Feed(Deflate.Write(sender, MessageType.Text, payload)))));
                    }

                    sender.Dispose();
                    receiver.Protocol.Dispose();
                }
            }
        }
    }

    /// <summary>16 MiB for every window × context takeover: text from the server for odd windows, from the client for even ones.</summary>
    [Theory]
    [MemberData(nameof(WindowsAndTakeover))]
    public void RoundTrip_16MiB_EveryWindowAndContextTakeover(int bits, bool serverNoContext, bool clientNoContext)
    {
        const int Size = 16 * 1024 * 1024;
        var payload = Deflate.JsonChat(Size);
        var parameters = new PerMessageDeflateParameters(serverNoContext, clientNoContext, bits, bits);
        var (sender, receiver) = Deflate.Pair(bits % 2 == 1 ? Role.Server : Role.Client, parameters, Size);

        var events = receiver.FeedInRandomChunks(Deflate.Write(sender, MessageType.Text, payload), seed: bits, maxChunk: 100_000);

        Assert.Equal(payload, Assert.Single(ProtocolDeflateAssert.Messages(events)));
        sender.Dispose();
        receiver.Protocol.Dispose();
    }

    [Theory]
    [InlineData(Role.Server, MessageType.Text)]
    [InlineData(Role.Client, MessageType.Binary)]
    public void RoundTrip_16MiB(Role role, MessageType type)
    {
        var payload = type == MessageType.Text ? Deflate.Text(16 * 1024 * 1024) : Deflate.Random(16 * 1024 * 1024);
        var (sender, receiver) = Deflate.Pair(role, new PerMessageDeflateParameters(ServerMaxWindowBits: 12, ClientMaxWindowBits: 12), 16 * 1024 * 1024);

        var events = receiver.FeedInRandomChunks(Deflate.Write(sender, type, payload), seed: 7, maxChunk: 200_000);

        Assert.Equal(payload, Assert.Single(ProtocolDeflateAssert.Messages(events)));
        Assert.All(events, e => Assert.True(e.Payload.Length <= PerMessageDeflate.InflateChunkSize));
        sender.Dispose();
        receiver.Protocol.Dispose();
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void RoundTrip_FedByteByByteAndInRandomChunks(Role role)
    {
        var payload = Deflate.JsonChat(5000);
        var (sender, byteByByte) = Deflate.Pair(role, s_default);
        var chunked = new ProtocolHarness(RawFrame.Opposite(role), compression: s_default);
        var frames = RawFrame.Concat(Deflate.Write(sender, MessageType.Text, payload), Deflate.Write(sender, MessageType.Text, payload));

        Assert.Equal([payload, payload], ProtocolDeflateAssert.Messages(byteByByte.FeedByteByByte(frames)));
        Assert.Equal([payload, payload], ProtocolDeflateAssert.Messages(chunked.FeedInRandomChunks(frames, seed: 3, maxChunk: 50)));
    }

    [Fact]
    public void Send_RemovesTheTail_AndDotNetsInflaterReadsIt()
    {
        var payload = Deflate.JsonChat(3000);
        var sender = new WebSocketProtocol(Role.Server, 1024 * 1024, s_default);

        var compressed = Deflate.PayloadOf(Deflate.Write(sender, MessageType.Text, payload));

        // A sync flush ends with 00 00 FF FF; §7.2.1 removes it, so the payload does not end with it.
        Assert.False(compressed.AsSpan().EndsWith(PerMessageDeflate.Tail));
        Assert.True(compressed.Length < payload.Length / 4);
        Assert.Equal(payload, Deflate.InflateIndependently(compressed));
    }

    [Fact]
    public void Send_EmptyMessage_IsTheSingleByte00()
    {
        // RFC 7692 §7.2.3.6: an empty message compresses to one 0x00 byte once the tail is removed.
        var sender = new WebSocketProtocol(Role.Server, 1024, s_default, new CompressionOptions { MinimumSize = 0 });

        Assert.Equal([0xc1, 0x01, 0x00], Deflate.Write(sender, MessageType.Text, []));
    }

    [Fact]
    public void Receive_DotNetsDeflate_IsInflated()
    {
        var payload = Deflate.JsonChat(20_000);
        var harness = new ProtocolHarness(Role.Server, compression: s_default);

        var events = harness.Feed(RawFrame.To(Role.Server, Opcode.Binary, Deflate.CompressIndependently(payload), rsv: 0x40));

        Assert.Equal(payload, Assert.Single(ProtocolDeflateAssert.Messages(events)));
    }

    [Fact]
    public void Receive_Rfc7692Example_OneCompressedBlock()
    {
        // RFC 7692 §7.2.3.1: "Hello" as a compressed message in one frame.
        var harness = new ProtocolHarness(Role.Client, compression: s_default);

        var events = harness.Feed([0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);

        Assert.Equal("Hello"u8.ToArray(), Assert.Single(ProtocolDeflateAssert.Messages(events)));
    }

    [Fact]
    public void Receive_Rfc7692Example_FragmentedCompressedMessage()
    {
        // RFC 7692 §7.2.3.1: the same message in two fragments; RSV1 on the first only.
        var harness = new ProtocolHarness(Role.Client, compression: s_default);

        var events = harness.Feed([0x41, 0x03, 0xf2, 0x48, 0xcd, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00]);

        Assert.Equal("Hello"u8.ToArray(), Assert.Single(ProtocolDeflateAssert.Messages(events)));
    }

    [Fact]
    public void Receive_Rfc7692Example_SharingTheWindow()
    {
        // RFC 7692 §7.2.3.2: the second "Hello" refers back to the first (context takeover).
        var harness = new ProtocolHarness(Role.Client, compression: s_default);

        var events = harness.Feed([0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00]);

        Assert.Equal(["Hello"u8.ToArray(), "Hello"u8.ToArray()], ProtocolDeflateAssert.Messages(events));
    }

    [Fact]
    public void Receive_Rfc7692Example_StoredBlock()
    {
        // RFC 7692 §7.2.3.3: a DEFLATE block with no compression.
        var harness = new ProtocolHarness(Role.Client, compression: s_default);

        var events = harness.Feed([0xc1, 0x0b, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00]);

        Assert.Equal("Hello"u8.ToArray(), Assert.Single(ProtocolDeflateAssert.Messages(events)));
    }

    [Fact]
    public void Receive_Rfc7692Example_BfinalSet_AndTheNextMessageStartsAfresh()
    {
        // RFC 7692 §7.2.3.4: a block with BFINAL set; the tail then falls after the end of the DEFLATE stream.
        var harness = new ProtocolHarness(Role.Client, compression: s_default);
        byte[] final = [0xc1, 0x08, 0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00];

        var events = harness.Feed(RawFrame.Concat(final, final));

        Assert.Equal(["Hello"u8.ToArray(), "Hello"u8.ToArray()], ProtocolDeflateAssert.Messages(events));
    }

    [Fact]
    public void Receive_Rfc7692Example_TwoBlocksInOneMessage()
    {
        // RFC 7692 §7.2.3.5: two DEFLATE blocks, the first ended by a sync flush that is not removed.
        var harness = new ProtocolHarness(Role.Client, compression: s_default);

        var events = harness.Feed([0xc1, 0x0d, 0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00]);

        Assert.Equal("Hello"u8.ToArray(), Assert.Single(ProtocolDeflateAssert.Messages(events)));
    }

    [Theory]
    [InlineData(Role.Server, 1)]
    [InlineData(Role.Server, 7)]
    [InlineData(Role.Client, 100)]
    public void Receive_FragmentedCompressedMessage_AnySplit(Role receiver, int fragmentLength)
    {
        var payload = Deflate.JsonChat(10_000);
        var compressed = Deflate.CompressIndependently(payload);
        var frames = new List<byte[]>();
        for (var offset = 0; offset < compressed.Length; offset += fragmentLength)
        {
            var piece = compressed.AsSpan(offset, Math.Min(fragmentLength, compressed.Length - offset));
            var first = offset == 0;
            var last = offset + fragmentLength >= compressed.Length;
            frames.Add(RawFrame.To(receiver, first ? Opcode.Text : Opcode.Continuation, piece, fin: last, rsv: first ? 0x40 : 0));
        }

        var harness = new ProtocolHarness(receiver, compression: s_default);
        var events = harness.Feed(RawFrame.Concat([.. frames]));

        Assert.Equal(payload, Assert.Single(ProtocolDeflateAssert.Messages(events)));
        Assert.True(events[0].StartOfMessage);
        Assert.Equal(-1, events[0].MessageLengthHint);
    }

    [Fact]
    public void Receive_PingBetweenCompressedFragments_IsAnsweredAndTheMessageGoesOn()
    {
        var payload = Deflate.JsonChat(2000);
        var compressed = Deflate.CompressIndependently(payload);
        var harness = new ProtocolHarness(Role.Server, compression: s_default);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Server, Opcode.Text, compressed.AsSpan(0, 10), fin: false, rsv: 0x40),
            RawFrame.To(Role.Server, Opcode.Ping, "p"u8),
            RawFrame.To(Role.Server, Opcode.Continuation, compressed.AsSpan(10))));

        Assert.Contains(events, e => e.Kind == ProtocolEventKind.Ping);
        Assert.Equal(payload, Assert.Single(ProtocolDeflateAssert.Messages(events)));
    }

    [Fact]
    public void Receive_UncompressedMessagesMayFollowCompressedOnes()
    {
        // RFC 7692 §6: compression is per message; RSV1 clear means the payload is as sent.
        var harness = new ProtocolHarness(Role.Server, compression: s_default);
        var payload = Deflate.JsonChat(300);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Server, Opcode.Text, Deflate.CompressIndependently(payload), rsv: 0x40),
            RawFrame.To(Role.Server, Opcode.Text, payload),
            RawFrame.To(Role.Server, Opcode.Text, Deflate.CompressIndependently(payload), rsv: 0x40)));

        Assert.Equal([payload, payload, payload], ProtocolDeflateAssert.Messages(events));
    }

    [Fact]
    public void Send_ContextTakeover_ShrinksARepeatedMessage_NoContextTakeoverDoesNot()
    {
        var payload = Deflate.JsonChat(200);
        var keeps = new WebSocketProtocol(Role.Server, 1024, new PerMessageDeflateParameters());
        var resets = new WebSocketProtocol(Role.Server, 1024, new PerMessageDeflateParameters(ServerNoContextTakeover: true));

        var first = Deflate.Write(keeps, MessageType.Text, payload).Length;
        var second = Deflate.Write(keeps, MessageType.Text, payload).Length;
        var alone1 = Deflate.Write(resets, MessageType.Text, payload).Length;
        var alone2 = Deflate.Write(resets, MessageType.Text, payload).Length;

        Assert.True(second < first / 3, $"second {second} B vs first {first} B");
        Assert.Equal(alone1, alone2);
        Assert.Equal(first, alone1);
    }

    [Theory]
    [InlineData(63, false)]
    [InlineData(64, true)]
    public void Send_BelowTheMinimumSize_IsSentUncompressed(int length, bool compressed)
    {
        var sender = new WebSocketProtocol(Role.Server, 1024, s_default, new CompressionOptions { MinimumSize = 64 });
        var payload = Deflate.JsonChat(length);

        var frame = Deflate.Write(sender, MessageType.Text, payload);

        Assert.Equal(compressed, (frame[0] & 0x40) != 0);
        var message = Assert.Single(ProtocolDeflateAssert.Messages(new ProtocolHarness(Role.Client, compression: s_default).Feed(frame)));
        Assert.Equal(payload, message);
    }

    [Fact]
    public void WriteText_IsCompressedLikeItsUtf8()
    {
        var text = string.Concat(Enumerable.Repeat("héllo wörld € 😀 ", 100));
        var sender = new WebSocketProtocol(Role.Client, 1024 * 1024, s_default);
        var output = new ArrayBufferWriter<byte>();

        sender.WriteText(output, text);

        Assert.Equal(0x40, output.WrittenSpan[0] & 0x40);
        var message = Assert.Single(ProtocolDeflateAssert.Messages(new ProtocolHarness(Role.Server, compression: s_default).Feed(output.WrittenSpan)));
        Assert.Equal(text, System.Text.Encoding.UTF8.GetString(message));
    }
}
