using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>
/// Autobahn family 3, reserved bits (RFC 6455 §5.2): RSV1, RSV2 and RSV3 must be 0 unless a negotiated extension
/// gives them a meaning; with none negotiated (this peer offers none), any of them set fails the connection with
/// 1002. The <c>rsv</c> argument is the 3-bit field, RSV1 being 4 and RSV3 being 1.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class Autobahn3_ReservedBitsTests(EchoServerFixture server) : IClassFixture<EchoServerFixture>
{
    public static TheoryData<MessageType, int> DataFrames
    {
        get
        {
            var data = new TheoryData<MessageType, int>();
            for (var rsv = 1; rsv <= 7; rsv++)
            {
                data.Add(MessageType.Text, rsv);
                data.Add(MessageType.Binary, rsv);
            }

            return data;
        }
    }

    public static TheoryData<int, int> ControlFrames
    {
        get
        {
            var data = new TheoryData<int, int>();
            for (var rsv = 1; rsv <= 7; rsv++)
            {
                data.Add(RawFrame.Ping, rsv);
                data.Add(RawFrame.Pong, rsv);
                data.Add(RawFrame.Close, rsv);
            }

            return data;
        }
    }

    /// <summary>RFC 6455 §5.2: a data frame with a reserved bit set and no extension negotiated fails the connection with 1002.</summary>
    [Theory]
    [MemberData(nameof(DataFrames))]
    public async Task DataFrame_WithReservedBits_FailsWith1002(MessageType type, int rsv)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendFrameAsync((int)type, Payloads.For(type, 12), rsv: rsv);

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>RFC 6455 §5.2: a control frame (ping, pong, close) with a reserved bit set fails the connection with 1002.</summary>
    [Theory]
    [MemberData(nameof(ControlFrames))]
    public async Task ControlFrame_WithReservedBits_FailsWith1002(int opcode, int rsv)
    {
        await using var ws = await server.OpenAsync();
        var payload = opcode == RawFrame.Close ? RawWebSocket.ClosePayload(1000) : "reserved bits"u8.ToArray();

        await ws.SendFrameAsync(opcode, payload, rsv: rsv);

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>
    /// RFC 6455 §5.2, §7.1.7: a valid message, then a frame with RSV2 set, then a ping, all at once: the message
    /// is echoed, the connection fails with 1002, and the ping is never answered (no data is processed after failing).
    /// </summary>
    [Fact]
    public async Task ValidMessage_ThenReservedBitsFrame_ThenPing_EchoesFirstFailsAndIgnoresPing()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            Frames.Text("Hello, world!"),
            RawWebSocket.BuildFrame(RawFrame.Text, "Hello, world!"u8, rsv: 2),
            Frames.Ping("never answered")));

        await ws.ExpectEchoAsync(RawFrame.Text, "Hello, world!");
        await ws.ExpectFailureAsync(1002);
    }
}
