using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>
/// Autobahn family 7, the closing handshake (RFC 6455 §5.5.1, §7): a close frame is answered by a close frame
/// echoing its status code, after which the server closes TCP and processes nothing more; a close body is empty
/// or a valid status code with an optional UTF-8 reason, at most 125 bytes in all; anything else fails the
/// connection (1002, or 1007 for a reason that is not UTF-8).
/// </summary>
[Trait("Category", "Conformance")]
public sealed class Autobahn7_CloseTests(EchoServerFixture server) : IClassFixture<EchoServerFixture>
{
    /// <summary>RFC 6455 §7.4.1–§7.4.2: the codes defined for use on the wire and the registered and private ranges' ends.</summary>
    public static TheoryData<int> ValidCodes => [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999];

    /// <summary>
    /// RFC 6455 §7.4.1–§7.4.2: codes below 1000, reserved (1004), never sent on the wire (1005, 1006, 1015), not
    /// defined (1016–2999 are for the RFC and its extensions, none defines 1016, 1100, 2000 or 2999) or outside 0–4999.
    /// </summary>
    public static TheoryData<int> InvalidCodes => [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];

    /// <summary>RFC 6455 §5.5.1: a message, then a close with 1000: the message is echoed, the close answered with 1000, TCP closed.</summary>
    [Fact]
    public async Task Close_AfterMessage_EchoesTheMessageThenAnswers1000()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(Frames.Text("Hello World!"), Frames.Close(1000)));

        await ws.ExpectEchoAsync(RawFrame.Text, "Hello World!");
        await ws.ExpectCloseReplyAsync(1000);
    }

    /// <summary>RFC 6455 §5.5.1: a second close frame after the first is not answered: one close reply, then TCP closes.</summary>
    [Fact]
    public async Task SecondClose_IsNotAnswered()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(Frames.Close(1000), Frames.Close(1000)));

        await ws.ExpectCloseReplyAsync(1000);
    }

    /// <summary>RFC 6455 §5.5.1: after its close frame, an endpoint sends no more data; a ping after the close is not answered.</summary>
    [Fact]
    public async Task PingAfterClose_IsNotAnswered()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(Frames.Close(1000), Frames.Ping("after close")));

        await ws.ExpectCloseReplyAsync(1000);
    }

    /// <summary>RFC 6455 §1.4, §5.5.1: data after the peer's close frame is ignored: a text message after the close is not echoed.</summary>
    [Fact]
    public async Task DataFrameAfterClose_IsIgnored()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(Frames.Close(1000), Frames.Text("after close")));

        await ws.ExpectCloseReplyAsync(1000);
    }

    /// <summary>RFC 6455 §5.4, §5.5.1: a close between fragments is handled; the continuation after it is ignored and nothing is echoed.</summary>
    [Fact]
    public async Task ContinuationAfterClose_IsIgnored()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            Frames.Text("fragment1", fin: false),
            Frames.Close(1000),
            Frames.Continuation("fragment2", fin: true)));

        await ws.ExpectCloseReplyAsync(1000);
    }

    /// <summary>RFC 6455 §5.5.1: a close frame with no body carries no status (1005 on receipt); the reply echoes that: no body.</summary>
    [Fact]
    public async Task Close_WithEmptyBody_IsAnsweredWithEmptyBody()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendFrameAsync(RawFrame.Close, []);

        await ws.ExpectCloseReplyAsync(null);
    }

    /// <summary>RFC 6455 §5.5.1: a close body, if any, starts with a 2-byte status code; a 1-byte body fails with 1002.</summary>
    [Fact]
    public async Task Close_With1ByteBody_FailsWith1002()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendFrameAsync(RawFrame.Close, [0x03]);

        await ws.ExpectFailureAsync(1002, closeAlreadySent: true);
    }

    /// <summary>RFC 6455 §5.5.1: a close with 1000 and no reason is answered with 1000.</summary>
    [Fact]
    public async Task Close_With1000AndNoReason_IsAnsweredWith1000()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendCloseAsync(1000);

        await ws.ExpectCloseReplyAsync(1000);
    }

    /// <summary>RFC 6455 §5.5.1: a close with 1000 and a UTF-8 reason is answered with 1000.</summary>
    [Fact]
    public async Task Close_With1000AndReason_IsAnsweredWith1000()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendCloseAsync(1000, "Hello World! κόσμε");

        await ws.ExpectCloseReplyAsync(1000);
    }

    /// <summary>RFC 6455 §5.5: a control payload may be 125 bytes: a code and a 123-byte reason are answered with 1000.</summary>
    [Fact]
    public async Task Close_WithReasonOf123Bytes_IsAnsweredWith1000()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendCloseAsync(1000, new string('*', 123));

        await ws.ExpectCloseReplyAsync(1000);
    }

    /// <summary>RFC 6455 §5.5: a control payload over 125 bytes (a code and a 124-byte reason) fails with 1002.</summary>
    [Fact]
    public async Task Close_WithReasonOf124Bytes_FailsWith1002()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendCloseAsync(1000, new string('*', 124));

        await ws.ExpectFailureAsync(1002, closeAlreadySent: true);
    }

    /// <summary>RFC 6455 §5.5.1, §8.1: a close reason must be UTF-8; an invalid one (a surrogate) fails with 1007.</summary>
    [Fact]
    public async Task Close_WithInvalidUtf8Reason_FailsWith1007()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendFrameAsync(RawFrame.Close, [0x03, 0xE8, 0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xED, 0xA0, 0x80, 0x65]);

        await ws.ExpectFailureAsync(1007, closeAlreadySent: true);
    }

    /// <summary>RFC 6455 §5.5.1, §7.4: a close with a valid status code is answered with the same code.</summary>
    [Theory]
    [MemberData(nameof(ValidCodes))]
    public async Task Close_WithValidCode_IsAnsweredWithTheSameCode(int code)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendCloseAsync(code);

        await ws.ExpectCloseReplyAsync(code);
    }

    /// <summary>RFC 6455 §7.4: a close with a status code that may not appear on the wire fails with 1002.</summary>
    [Theory]
    [MemberData(nameof(InvalidCodes))]
    public async Task Close_WithInvalidCode_FailsWith1002(int code)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendCloseAsync(code);

        await ws.ExpectFailureAsync(1002, closeAlreadySent: true);
    }
}
