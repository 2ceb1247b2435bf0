using System.Text;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>
/// Autobahn family 5, fragmentation (RFC 6455 §5.4): a message may be split into a first frame and continuations
/// ending with FIN; control frames may come between fragments and must be handled there; control frames
/// themselves must not be fragmented; a continuation with no message started, or a new message before the
/// last one finished, fails the connection with 1002.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class Autobahn5_FragmentationTests(EchoServerFixture server) : IClassFixture<EchoServerFixture>
{
    /// <summary>RFC 6455 §5.4: control frames must not be fragmented; a ping without FIN, then its continuation, fails with 1002.</summary>
    [Fact]
    public async Task FragmentedPing_FailsWith1002()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            RawWebSocket.BuildFrame(RawFrame.Ping, "fragment1"u8, fin: false),
            Frames.Continuation("fragment2", fin: true)));

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>RFC 6455 §5.4: control frames must not be fragmented; a pong without FIN, then its continuation, fails with 1002.</summary>
    [Fact]
    public async Task FragmentedPong_FailsWith1002()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            RawWebSocket.BuildFrame(RawFrame.Pong, "fragment1"u8, fin: false),
            Frames.Continuation("fragment2", fin: true)));

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>RFC 6455 §5.4: a text message in two fragments, written at once or one frame per write, is echoed whole.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TextInTwoFragments_IsEchoedWhole(bool writeEachFrameAlone)
    {
        await using var ws = await server.OpenAsync();
        byte[][] frames = [Frames.Text("fragment1", fin: false), Frames.Continuation("fragment2", fin: true)];

        await SendAsync(ws, frames, writeEachFrameAlone);

        await ws.ExpectEchoAsync(RawFrame.Text, "fragment1fragment2");
    }

    /// <summary>RFC 6455 §5.4: a 64 KiB binary message in 64 fragments of 1 KiB is echoed whole.</summary>
    [Fact]
    public async Task BinaryIn64Fragments_IsEchoedWhole()
    {
        await using var ws = await server.OpenAsync();
        var payload = Payloads.Binary(65536);

        await ws.SendRawAsync(Frames.Concat(Frames.Fragments(RawFrame.Binary, payload, 1024)));

        await ws.ExpectEchoAsync(RawFrame.Binary, payload);
    }

    /// <summary>RFC 6455 §5.4: a message of empty fragments (first, continuation, last) is echoed as an empty message.</summary>
    [Theory]
    [InlineData(RawFrame.Text)]
    [InlineData(RawFrame.Binary)]
    public async Task MessageOfEmptyFragments_IsEchoedEmpty(int opcode)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            RawWebSocket.BuildFrame(opcode, [], fin: false),
            RawWebSocket.BuildFrame(RawFrame.Continuation, [], fin: false),
            RawWebSocket.BuildFrame(RawFrame.Continuation, [], fin: true)));

        await ws.ExpectEchoAsync(opcode, []);
    }

    /// <summary>
    /// RFC 6455 §5.4, §5.5.2: a ping between two fragments is answered, and the message is echoed whole; written one
    /// frame per write, the pong must come before the last fragment is sent (a ping is answered as soon as practical).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PingBetweenFragments_IsAnsweredAndMessageEchoed(bool writeEachFrameAlone)
    {
        await using var ws = await server.OpenAsync();
        var first = Frames.Text("fragment1", fin: false);
        var ping = Frames.Ping("ping payload");
        var last = Frames.Continuation("fragment2", fin: true);

        if (writeEachFrameAlone)
        {
            await ws.SendRawAsync(first);
            await ws.SendRawAsync(ping);
            await ws.ExpectPongAsync("ping payload");
            await ws.SendRawAsync(last);
        }
        else
        {
            await ws.SendRawAsync(Frames.Concat(first, ping, last));
            await ws.ExpectPongAsync("ping payload");
        }

        await ws.ExpectEchoAsync(RawFrame.Text, "fragment1fragment2");
    }

    /// <summary>RFC 6455 §5.4, §5.5.3: an unsolicited pong between two fragments is ignored, and the message is echoed whole.</summary>
    [Fact]
    public async Task PongBetweenFragments_IsIgnoredAndMessageEchoed()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            Frames.Text("fragment1", fin: false),
            Frames.Pong("unsolicited"),
            Frames.Continuation("fragment2", fin: true)));

        await ws.ExpectEchoAsync(RawFrame.Text, "fragment1fragment2");
    }

    /// <summary>
    /// RFC 6455 §5.4: a text message in five fragments, each followed by a ping written alone, has every ping
    /// answered while the message is open, then the message echoed whole.
    /// </summary>
    [Fact]
    public async Task FiveFragmentsWithPingsBetween_EveryPingAnsweredAndMessageEchoed()
    {
        await using var ws = await server.OpenAsync();

        for (var i = 1; i <= 5; i++)
        {
            var fragment = $"fragment{i}";
            await ws.SendRawAsync(i == 1 ? Frames.Text(fragment, fin: false) : Frames.Continuation(fragment, fin: i == 5));
            if (i < 5)
            {
                await ws.SendRawAsync(Frames.Ping($"pongme {i}!"));
                await ws.ExpectPongAsync($"pongme {i}!");
            }
        }

        await ws.ExpectEchoAsync(RawFrame.Text, "fragment1fragment2fragment3fragment4fragment5");
    }

    /// <summary>RFC 6455 §5.4: a continuation frame (FIN set) with no message started fails the connection with 1002.</summary>
    [Fact]
    public async Task ContinuationWithoutStart_Fin_FailsWith1002()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(Frames.Continuation("non-continuation payload", fin: true), Frames.Text("Hello, world!")));

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>RFC 6455 §5.4: a continuation frame (FIN clear) with no message started fails the connection with 1002.</summary>
    [Fact]
    public async Task ContinuationWithoutStart_NotFin_FailsWith1002()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            Frames.Continuation("fragment1", fin: false),
            Frames.Text("fragment2", fin: false),
            Frames.Continuation("fragment3", fin: true)));

        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>RFC 6455 §5.4: after a finished fragmented message, another continuation has no message to continue: echo, then 1002.</summary>
    [Fact]
    public async Task ContinuationAfterFinishedMessage_EchoesTheMessageThenFailsWith1002()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            Frames.Text("fragment1", fin: false),
            Frames.Continuation("fragment2", fin: true),
            Frames.Continuation("fragment3", fin: false),
            Frames.Text("fragment4", fin: true)));

        await ws.ExpectEchoAsync(RawFrame.Text, "fragment1fragment2");
        await ws.ExpectFailureAsync(1002);
    }

    /// <summary>RFC 6455 §5.4: fragments of one message may not be interleaved with another; a new data frame before FIN fails with 1002.</summary>
    [Theory]
    [InlineData(RawFrame.Text, true)]
    [InlineData(RawFrame.Text, false)]
    [InlineData(RawFrame.Binary, true)]
    public async Task NewDataFrameInsideFragmentedMessage_FailsWith1002(int secondOpcode, bool secondFin)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            Frames.Text("fragment1", fin: false),
            RawWebSocket.BuildFrame(secondOpcode, Encoding.UTF8.GetBytes("fragment2"), fin: secondFin),
            Frames.Continuation("fragment3", fin: true)));

        await ws.ExpectFailureAsync(1002);
    }

    private static async Task SendAsync(RawWebSocket ws, byte[][] frames, bool writeEachFrameAlone)
    {
        if (!writeEachFrameAlone)
        {
            await ws.SendRawAsync(Frames.Concat(frames));
            return;
        }

        foreach (var frame in frames)
        {
            await ws.SendRawAsync(frame);
        }
    }
}
