using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>
/// RFC 7692 §8.1 (and RFC 6455 §10.4): a small compressed message may inflate to a huge one, so MaxMessageSize holds
/// for the decompressed size, checked while inflating; corrupt DEFLATE data and invalid UTF-8 once inflated fail
/// the connection. And the memory rules: zlib state is taken on the first compressed message and, without context
/// takeover, given back after each one.
/// </summary>
public class Rfc7692_CompressionSafetyTests
{
    private static readonly PerMessageDeflateParameters s_deflate = new();

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_ZipBomb_FailsWith1009_BeforeItIsInflatedInFull(Role role)
    {
        // 64 MiB of zeros compress to about 64 KiB; the limit is 1 MiB.
        const int Limit = 1024 * 1024;
        var bomb = Deflate.CompressIndependently(new byte[64 * 1024 * 1024]);
        var frame = RawFrame.To(role, Opcode.Binary, bomb, rsv: 0x40);
        var harness = new ProtocolHarness(role, maxMessageSize: Limit, compression: s_deflate);

        // Fed in 1 KiB pieces, to see how much of the bomb was read when it was stopped.
        var fed = 0;
        RecordedEvent? failure = null;
        long delivered = 0;
        for (; fed < frame.Length && failure is null; fed += 1024)
        {
            foreach (var e in harness.Feed(frame.AsSpan(fed, Math.Min(1024, frame.Length - fed))))
            {
                delivered += e.Kind == ProtocolEventKind.Data ? e.Payload.Length : 0;
                failure ??= e.Kind == ProtocolEventKind.Error ? e : null;
            }
        }

        Assert.NotNull(failure);
        ProtocolAssert.Failed(harness, failure, CloseCode.MessageTooBig);
        Assert.True(fed < frame.Length / 8, $"stopped after {fed} of {frame.Length} compressed bytes");
        Assert.True(harness.Protocol.InflatedLength <= Limit + PerMessageDeflate.InflateChunkSize, $"inflated {harness.Protocol.InflatedLength} bytes");
        Assert.True(delivered <= Limit);
    }

    [Fact]
    public void Receive_MessageOfExactlyTheLimitOnceInflated_IsAccepted_OneMoreByteIsNot()
    {
        var exact = new ProtocolHarness(Role.Server, maxMessageSize: 100_000, compression: s_deflate);
        var over = new ProtocolHarness(Role.Server, maxMessageSize: 99_999, compression: s_deflate);
        var frame = RawFrame.To(Role.Server, Opcode.Binary, Deflate.CompressIndependently(new byte[100_000]), rsv: 0x40);

        Assert.Equal(100_000, Assert.Single(ProtocolDeflateAssert.Messages(exact.Feed(frame))).Length);
        ProtocolAssert.Failed(over, over.Feed(frame)[^1], CloseCode.MessageTooBig);
    }

    [Fact]
    public void Receive_FragmentedZipBomb_FailsWith1009()
    {
        var bomb = Deflate.CompressIndependently(new byte[8 * 1024 * 1024]);
        var harness = new ProtocolHarness(Role.Server, maxMessageSize: 1024 * 1024, compression: s_deflate);
        var half = bomb.Length / 2;

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Server, Opcode.Binary, bomb.AsSpan(0, half), fin: false, rsv: 0x40),
            RawFrame.To(Role.Server, Opcode.Continuation, bomb.AsSpan(half))));

        ProtocolAssert.Failed(harness, events[^1], CloseCode.MessageTooBig);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_CorruptDeflateData_FailsWith1007(Role role)
    {
        // Block type 3 is reserved in DEFLATE (RFC 1951 §3.2.3): 0xff starts a final block of that type.
        var harness = new ProtocolHarness(role, compression: s_deflate);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Binary, [0xff, 0xff, 0xff, 0xff], rsv: 0x40)));

        ProtocolAssert.Failed(harness, e, CloseCode.InvalidPayloadData);
        Assert.Equal("invalid compressed data", e.Error!.Value.Reason);
    }

    [Fact]
    public void Receive_DistanceTooFarBack_FailsWith1007()
    {
        // A final fixed-Huffman block whose first symbol copies 3 bytes from 1 back, before anything was output:
        // valid syntax, impossible data (bits: BFINAL 1, BTYPE 01, length code 257, distance code 0, end of block).
        var harness = new ProtocolHarness(Role.Server, compression: s_deflate);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Server, Opcode.Binary, [0x03, 0x02, 0x00], rsv: 0x40)));

        ProtocolAssert.Failed(harness, e, CloseCode.InvalidPayloadData);
    }

    [Fact]
    public void Receive_TextInvalidOnceInflated_FailsWith1007()
    {
        var harness = new ProtocolHarness(Role.Server, compression: s_deflate);

        var e = harness.Feed(RawFrame.To(Role.Server, Opcode.Text, Deflate.CompressIndependently([0x61, 0xff, 0x62]), rsv: 0x40))[^1];

        ProtocolAssert.Failed(harness, e, CloseCode.InvalidPayloadData);
        Assert.Equal("invalid UTF-8 in text message", e.Error!.Value.Reason);
    }

    [Fact]
    public void Receive_TextIncompleteOnceInflated_FailsWith1007()
    {
        var harness = new ProtocolHarness(Role.Server, compression: s_deflate);

        var e = harness.Feed(RawFrame.To(Role.Server, Opcode.Text, Deflate.CompressIndependently([0x61, 0xe2, 0x82]), rsv: 0x40))[^1];

        ProtocolAssert.Failed(harness, e, CloseCode.InvalidPayloadData);
    }

    [Fact]
    public void Receive_CompressedWireLengthFarOverTheLimit_FailsWith1009OnItsHeader()
    {
        var harness = new ProtocolHarness(Role.Server, maxMessageSize: 1000, compression: s_deflate);

        var e = Assert.Single(harness.Feed(RawFrame.To(Role.Server, Opcode.Binary, new byte[3000], rsv: 0x40).AsSpan(0, 4)));

        ProtocolAssert.Failed(harness, e, CloseCode.MessageTooBig);
    }

    [Fact]
    public void Receive_IncompressibleMessageOfTheLimit_FitsDespiteDeflateOverhead()
    {
        const int Limit = 1024 * 1024;
        var payload = Deflate.Random(Limit);
        var (sender, receiver) = Deflate.Pair(Role.Client, s_deflate, Limit);

        var frame = Deflate.Write(sender, MessageType.Binary, payload);

        Assert.True(Deflate.PayloadOf(frame).Length > Limit);
        Assert.Equal(payload, Assert.Single(ProtocolDeflateAssert.Messages(receiver.Feed(frame))));
    }

    [Fact]
    public void Memory_NothingIsAllocatedUntilTheFirstCompressedMessage()
    {
        var protocol = new WebSocketProtocol(Role.Server, 1024, s_deflate);
        var codec = protocol.Deflate!;

        Assert.False(codec.HoldsDeflater);
        Assert.False(codec.HoldsInflater);
        Deflate.Write(protocol, MessageType.Text, "short"u8);
        Assert.False(codec.HoldsDeflater);
    }

    [Theory]
    [InlineData(false, false, true, true)]
    [InlineData(true, false, false, true)]
    [InlineData(false, true, true, false)]
    [InlineData(true, true, false, false)]
    public void Memory_WithoutContextTakeover_NothingIsHeldBetweenMessages(bool serverNoContext, bool clientNoContext, bool serverKeepsDeflater, bool serverKeepsInflater)
    {
        var parameters = new PerMessageDeflateParameters(serverNoContext, clientNoContext);
        var server = new ProtocolHarness(Role.Server, compression: parameters);
        var client = new WebSocketProtocol(Role.Client, 1024 * 1024, parameters);
        var payload = Deflate.JsonChat(1000);

        Assert.Equal(payload, Assert.Single(ProtocolDeflateAssert.Messages(server.Feed(Deflate.Write(client, MessageType.Text, payload)))));
        Deflate.Write(server.Protocol, MessageType.Text, payload);

        Assert.Equal(serverKeepsDeflater, server.Protocol.Deflate!.HoldsDeflater);
        Assert.Equal(serverKeepsInflater, server.Protocol.Deflate.HoldsInflater);
        Assert.Equal(!clientNoContext, client.Deflate!.HoldsDeflater);

        server.Protocol.Dispose();
        client.Dispose();
        Assert.False(server.Protocol.Deflate.HoldsDeflater || server.Protocol.Deflate.HoldsInflater || client.Deflate.HoldsDeflater);
    }

    [Fact]
    public void Memory_DisposedMidMessage_FreesTheInflater()
    {
        var harness = new ProtocolHarness(Role.Server, compression: new PerMessageDeflateParameters(ClientNoContextTakeover: true));
        var compressed = Deflate.CompressIndependently(Deflate.JsonChat(5000));

        harness.Feed(RawFrame.To(Role.Server, Opcode.Text, compressed.AsSpan(0, 20), fin: false, rsv: 0x40));
        Assert.True(harness.Protocol.Deflate!.HoldsInflater);
        harness.Protocol.Dispose();

        Assert.False(harness.Protocol.Deflate.HoldsInflater);
    }

    [Fact]
    public void ZStream_HasTheLp64Layout()
    {
        // zlib.h's z_stream on 64-bit Linux: 112 bytes, avail_out at 32, msg at 48, adler at 96.
        Assert.Equal(112, System.Runtime.InteropServices.Marshal.SizeOf<ZlibNative.ZStream>());
        Assert.Equal(32, (int)System.Runtime.InteropServices.Marshal.OffsetOf<ZlibNative.ZStream>(nameof(ZlibNative.ZStream.AvailOut)));
        Assert.Equal(48, (int)System.Runtime.InteropServices.Marshal.OffsetOf<ZlibNative.ZStream>(nameof(ZlibNative.ZStream.Msg)));
        Assert.Equal(96, (int)System.Runtime.InteropServices.Marshal.OffsetOf<ZlibNative.ZStream>(nameof(ZlibNative.ZStream.Adler)));
    }

    [Fact]
    public void ZStream_DisposedTwice_IsHarmless_AndThenRefusesWork()
    {
        var stream = ZlibStream.CreateDeflater(9, 1);
        stream.Dispose();
        stream.Dispose();

        Assert.Throws<ObjectDisposedException>(() => stream.Run([1], new byte[16], ZlibNative.SyncFlush, out _, out _));
    }

    [Fact]
    public void DeflaterWindowBits_EightBecomesNine()
    {
        // zlib's raw deflate refuses 8; 9 keeps every match within 250 bytes (see PerMessageDeflate.DeflaterWindowBits).
        Assert.Equal(9, PerMessageDeflate.DeflaterWindowBits(8));
        Assert.Equal(12, PerMessageDeflate.DeflaterWindowBits(12));
        Assert.Throws<InvalidOperationException>(() => ZlibStream.CreateDeflater(8, 8));
    }
}
