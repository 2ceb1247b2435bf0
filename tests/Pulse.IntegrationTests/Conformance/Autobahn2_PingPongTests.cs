using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>
/// Autobahn family 2, pings and pongs (RFC 6455 §5.5.2, §5.5.3): a ping is answered by a pong with identical
/// application data; a control frame's payload is at most 125 bytes; an unsolicited pong needs no answer.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class Autobahn2_PingPongTests(EchoServerFixture server) : IClassFixture<EchoServerFixture>
{
    /// <summary>RFC 6455 §5.5.2: a ping with no application data is answered by a pong with none.</summary>
    [Fact]
    public async Task Ping_WithEmptyPayload_IsAnsweredByEmptyPong()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Ping([]));

        await ws.ExpectPongAsync([]);
    }

    /// <summary>RFC 6455 §5.5.3: the pong to a ping with text data carries identical data.</summary>
    [Fact]
    public async Task Ping_WithTextPayload_IsAnsweredByPongWithSamePayload()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Ping("Hello, world!"));

        await ws.ExpectPongAsync("Hello, world!");
    }

    /// <summary>RFC 6455 §5.5.3: the pong to a ping with arbitrary bytes carries identical bytes.</summary>
    [Fact]
    public async Task Ping_WithBinaryPayload_IsAnsweredByPongWithSamePayload()
    {
        await using var ws = await server.OpenAsync();
        byte[] payload = [0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF];

        await ws.SendRawAsync(Frames.Ping(payload));

        await ws.ExpectPongAsync(payload);
    }

    /// <summary>RFC 6455 §5.5: a control frame may carry 125 bytes; the pong carries the same 125 bytes.</summary>
    [Fact]
    public async Task Ping_With125BytePayload_IsAnsweredByPongWithSamePayload()
    {
        await using var ws = await server.OpenAsync();
        var payload = Enumerable.Repeat((byte)0xFE, 125).ToArray();

        await ws.SendRawAsync(Frames.Ping(payload));

        await ws.ExpectPongAsync(payload);
    }

    /// <summary>RFC 6455 §5.5: a control frame's payload must be 125 bytes or less; a 126-byte ping fails with 1002.</summary>
    [Fact]
    public async Task Ping_With126BytePayload_FailsWith1002()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Ping(Enumerable.Repeat((byte)0xFE, 126).ToArray()));

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>RFC 6455 §5.5.2: a 125-byte ping written one byte per TCP segment is still answered with identical data.</summary>
    [Fact]
    public async Task Ping_With125BytePayload_WrittenByteByByte_IsAnswered()
    {
        await using var ws = await server.OpenAsync();
        var payload = Enumerable.Repeat((byte)0xFE, 125).ToArray();

        await ws.SendRawInChunksAsync(Frames.Ping(payload), 1);

        await ws.ExpectPongAsync(payload);
    }

    /// <summary>RFC 6455 §5.5.3: an unsolicited pong with no data needs no response; the connection goes on.</summary>
    [Fact]
    public async Task UnsolicitedPong_WithoutPayload_IsIgnored()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(Frames.Pong(""), Frames.Text("after the pong")));

        await ws.ExpectEchoAsync(RawFrame.Text, "after the pong");
    }

    /// <summary>RFC 6455 §5.5.3: an unsolicited pong with data needs no response; the connection goes on.</summary>
    [Fact]
    public async Task UnsolicitedPong_WithPayload_IsIgnored()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(Frames.Pong("unsolicited pong payload"), Frames.Text("after the pong")));

        await ws.ExpectEchoAsync(RawFrame.Text, "after the pong");
    }

    /// <summary>RFC 6455 §5.5.3: after an unsolicited pong, a ping is answered by exactly one pong, with the ping's data.</summary>
    [Fact]
    public async Task UnsolicitedPong_ThenPing_OnlyThePingIsAnswered()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(Frames.Pong("unsolicited pong payload"), Frames.Ping("ping payload"), Frames.Text("done")));

        await ws.ExpectPongAsync("ping payload");
        await ws.ExpectEchoAsync(RawFrame.Text, "done");
    }

    /// <summary>
    /// RFC 6455 §5.5.2–§5.5.3: ten pings sent at once are answered in order with identical data; an endpoint
    /// may answer only the most recent of pings still unanswered, but never out of order and never not the last.
    /// </summary>
    [Fact]
    public async Task TenPings_SentAtOnce_AreAnsweredInOrder()
    {
        await using var ws = await server.OpenAsync();
        var pings = Enumerable.Range(0, 10).Select(i => $"payload-{i}").ToList();

        await ws.SendRawAsync(Frames.Concat(pings.Select(Frames.Ping).Append(Frames.Text("done"))));

        await ExpectPongsInOrderThenEchoAsync(ws, pings);
    }

    /// <summary>RFC 6455 §5.5.2–§5.5.3: ten pings each written one byte per TCP segment are answered in order with identical data.</summary>
    [Fact]
    public async Task TenPings_WrittenByteByByte_AreAnsweredInOrder()
    {
        await using var ws = await server.OpenAsync();
        var pings = Enumerable.Range(0, 10).Select(i => $"payload-{i}").ToList();

        foreach (var ping in pings)
        {
            await ws.SendRawInChunksAsync(Frames.Ping(ping), 1);
        }

        await ws.SendRawAsync(Frames.Text("done"));

        await ExpectPongsInOrderThenEchoAsync(ws, pings);
    }

    // Reads the pongs and the echo of "done", in whichever order they come (the RFC orders neither).
    private static async Task ExpectPongsInOrderThenEchoAsync(RawWebSocket ws, List<string> pings)
    {
        var answered = new List<int>();
        var echoed = false;
        while (!echoed || answered.Count == 0 || answered[^1] != pings.Count - 1)
        {
            var frame = await ws.ReceiveFrameAsync();
            if (frame.Opcode == RawFrame.Pong)
            {
                var index = pings.IndexOf(frame.PayloadText);
                Assert.True(index >= 0, $"a pong answered no ping: '{frame.PayloadText}'");
                Assert.True(answered.Count == 0 || index > answered[^1], $"pongs out of order: {string.Join(", ", answered)} then {index}");
                answered.Add(index);
            }
            else
            {
                Assert.False(echoed, $"expected only pongs after the echo, got {frame}");
                Assert.True(frame.Opcode == RawFrame.Text && frame.Fin && frame.PayloadText == "done", $"expected a pong or the echo of 'done', got {frame}");
                echoed = true;
            }
        }
    }
}
