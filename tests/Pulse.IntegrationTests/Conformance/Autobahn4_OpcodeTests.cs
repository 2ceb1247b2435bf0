using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>
/// Autobahn family 4, opcodes (RFC 6455 §5.2): 0x3–0x7 are reserved for further data frames and 0xB–0xF for
/// further control frames; an endpoint that receives an unknown opcode must fail the connection (1002).
/// </summary>
[Trait("Category", "Conformance")]
public sealed class Autobahn4_OpcodeTests(EchoServerFixture server) : IClassFixture<EchoServerFixture>
{
    public static TheoryData<int, int> ReservedDataOpcodes => Cases(3, 4, 5, 6, 7);

    public static TheoryData<int, int> ReservedControlOpcodes => Cases(11, 12, 13, 14, 15);

    /// <summary>RFC 6455 §5.2: a frame with a reserved data opcode (0x3–0x7), empty or not, fails the connection with 1002.</summary>
    [Theory]
    [MemberData(nameof(ReservedDataOpcodes))]
    public async Task ReservedDataOpcode_FailsWith1002(int opcode, int payloadLength)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendFrameAsync(opcode, Payloads.Binary(payloadLength));

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>RFC 6455 §5.2: a frame with a reserved control opcode (0xB–0xF), empty or not, fails the connection with 1002.</summary>
    [Theory]
    [MemberData(nameof(ReservedControlOpcodes))]
    public async Task ReservedControlOpcode_FailsWith1002(int opcode, int payloadLength)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendFrameAsync(opcode, Payloads.Binary(payloadLength));

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>
    /// RFC 6455 §5.2, §7.1.7: a valid message, a reserved-opcode frame and a ping, all at once: the message is
    /// echoed, the connection fails with 1002, and the ping is never answered.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(13)]
    public async Task ValidMessage_ThenReservedOpcode_ThenPing_EchoesFirstFailsAndIgnoresPing(int opcode)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            Frames.Text("Hello, world!"),
            RawWebSocket.BuildFrame(opcode, "reserved"u8),
            Frames.Ping("never answered")));

        await ws.ExpectEchoAsync(RawFrame.Text, "Hello, world!");
        await ws.ExpectFailureAsync(1002);
    }

    private static TheoryData<int, int> Cases(params int[] opcodes)
    {
        var data = new TheoryData<int, int>();
        foreach (var opcode in opcodes)
        {
            data.Add(opcode, 0);
            data.Add(opcode, 8);
        }

        return data;
    }
}
