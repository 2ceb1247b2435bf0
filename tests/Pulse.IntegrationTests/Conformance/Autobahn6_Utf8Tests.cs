using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>
/// Autobahn family 6, UTF-8 handling (RFC 6455 §5.6, §8.1, with RFC 3629 defining validity): a text message must be
/// valid UTF-8 as a whole, however it is fragmented; invalid UTF-8 fails the connection with 1007. Binary messages
/// carry any bytes.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class Autobahn6_Utf8Tests(EchoServerFixture server) : IClassFixture<EchoServerFixture>
{
    private static readonly byte[] s_kosme = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5];

    private static readonly Dictionary<string, byte[]> s_valid = new()
    {
        ["empty"] = [],
        ["ASCII"] = "Hello, world!"u8.ToArray(),
        ["Greek kosme (2- and 3-byte)"] = s_kosme,
        ["U+0000"] = [0x00],
        ["U+007F, last 1-byte"] = [0x7F],
        ["U+0080, first 2-byte"] = [0xC2, 0x80],
        ["U+07FF, last 2-byte"] = [0xDF, 0xBF],
        ["U+0800, first 3-byte"] = [0xE0, 0xA0, 0x80],
        ["U+D7FF, before the surrogates"] = [0xED, 0x9F, 0xBF],
        ["U+E000, after the surrogates"] = [0xEE, 0x80, 0x80],
        ["U+FFFD"] = [0xEF, 0xBF, 0xBD],
        ["U+FDD0, noncharacter"] = [0xEF, 0xB7, 0x90],
        ["U+FFFE, noncharacter"] = [0xEF, 0xBF, 0xBE],
        ["U+FFFF, noncharacter"] = [0xEF, 0xBF, 0xBF],
        ["U+10000, first 4-byte"] = [0xF0, 0x90, 0x80, 0x80],
        ["U+1F600, emoji"] = [0xF0, 0x9F, 0x98, 0x80],
        ["U+10FFFF, last code point"] = [0xF4, 0x8F, 0xBF, 0xBF],
        ["1000 bytes of 1- to 4-byte characters"] = Payloads.Utf8Text(1000),
    };

    private static readonly Dictionary<string, byte[]> s_invalid = new()
    {
        ["lone continuation byte 80"] = [0x80],
        ["continuation byte BF after ASCII"] = [0x61, 0xBF],
        ["overlong '/' in 2 bytes (C0 AF)"] = [0xC0, 0xAF],
        ["overlong U+007F in 2 bytes (C1 BF)"] = [0xC1, 0xBF],
        ["overlong '/' in 3 bytes (E0 80 AF)"] = [0xE0, 0x80, 0xAF],
        ["overlong U+07FF in 3 bytes (E0 9F BF)"] = [0xE0, 0x9F, 0xBF],
        ["overlong '/' in 4 bytes (F0 80 80 AF)"] = [0xF0, 0x80, 0x80, 0xAF],
        ["overlong U+FFFF in 4 bytes (F0 8F BF BF)"] = [0xF0, 0x8F, 0xBF, 0xBF],
        ["surrogate U+D800 (ED A0 80)"] = [0xED, 0xA0, 0x80],
        ["surrogate U+DFFF (ED BF BF)"] = [0xED, 0xBF, 0xBF],
        ["surrogate pair encoded as two code points"] = [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80],
        ["U+110000, above U+10FFFF (F4 90 80 80)"] = [0xF4, 0x90, 0x80, 0x80],
        ["lead byte F5"] = [0xF5, 0x80, 0x80, 0x80],
        ["5-byte form (F8 88 80 80 80)"] = [0xF8, 0x88, 0x80, 0x80, 0x80],
        ["byte FE"] = [0xFE],
        ["byte FF"] = [0xFF],
        ["2-byte character truncated at the end"] = s_kosme[..^1],
        ["3-byte character truncated at the end (E2 82)"] = [0x61, 0x62, 0x63, 0xE2, 0x82],
        ["4-byte character truncated at the end (F0 9F 98)"] = [0xF0, 0x9F, 0x98],
        ["truncated character before ASCII (E2 82 41)"] = [0xE2, 0x82, 0x41],
        ["FF in the middle of ASCII"] = [.. "Hello"u8, 0xFF, .. "World"u8],
        ["surrogate in the middle of Greek"] = [.. s_kosme, 0xED, 0xA0, 0x80, .. "edited"u8],
    };

    public static TheoryData<string> ValidCases => [.. s_valid.Keys];

    public static TheoryData<string> InvalidCases => [.. s_invalid.Keys];

    /// <summary>RFC 6455 §5.6, RFC 3629: a text message of valid UTF-8 (noncharacters included) is echoed byte for byte.</summary>
    [Theory]
    [MemberData(nameof(ValidCases))]
    public async Task ValidUtf8_InOneFrame_IsEchoed(string name)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendFrameAsync(RawFrame.Text, s_valid[name]);

        await ws.ExpectEchoAsync(RawFrame.Text, s_valid[name]);
    }

    /// <summary>RFC 6455 §5.4, §8.1: validity is a property of the whole message; valid text in one-byte fragments, code points split across them, is echoed.</summary>
    [Theory]
    [MemberData(nameof(ValidCases))]
    public async Task ValidUtf8_InOneByteFragments_IsEchoed(string name)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(Frames.Fragments(RawFrame.Text, s_valid[name], 1)));

        await ws.ExpectEchoAsync(RawFrame.Text, s_valid[name]);
    }

    /// <summary>RFC 6455 §5.4, §8.1: "κόσμε" in two fragments, split at every position (inside code points too), is echoed.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public async Task ValidUtf8_SplitInTwoFragmentsAt_IsEchoed(int splitAt)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            RawWebSocket.BuildFrame(RawFrame.Text, s_kosme.AsSpan(0, splitAt), fin: false),
            RawWebSocket.BuildFrame(RawFrame.Continuation, s_kosme.AsSpan(splitAt), fin: true)));

        await ws.ExpectEchoAsync(RawFrame.Text, s_kosme);
    }

    /// <summary>RFC 6455 §8.1, §7.4.1: a text message that is not valid UTF-8 fails the connection with 1007.</summary>
    [Theory]
    [MemberData(nameof(InvalidCases))]
    public async Task InvalidUtf8_InOneFrame_FailsWith1007(string name)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendFrameAsync(RawFrame.Text, s_invalid[name]);

        await ws.ExpectFailureAsync(1007);
    }

    /// <summary>RFC 6455 §8.1, §7.4.1: invalid UTF-8 sent in one-byte fragments fails the connection with 1007.</summary>
    [Theory]
    [MemberData(nameof(InvalidCases))]
    public async Task InvalidUtf8_InOneByteFragments_FailsWith1007(string name)
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(Frames.Fragments(RawFrame.Text, s_invalid[name], 1)));

        await ws.ExpectFailureAsync(1007);
    }

    /// <summary>RFC 6455 §8.1: a fragmented text message whose middle fragment holds a surrogate fails with 1007, and nothing is echoed.</summary>
    [Fact]
    public async Task InvalidUtf8_InMiddleFragment_FailsWith1007()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            RawWebSocket.BuildFrame(RawFrame.Text, s_kosme, fin: false),
            RawWebSocket.BuildFrame(RawFrame.Continuation, [0xED, 0xA0, 0x80], fin: false),
            Frames.Continuation("edited", fin: true)));

        await ws.ExpectFailureAsync(1007);
    }

    /// <summary>
    /// RFC 6455 §8.1 with issue #2's incremental validation (Autobahn 6.4, "fail fast"): invalid bytes in a
    /// fragment fail the connection with 1007 without waiting for the message's last fragment, which never comes.
    /// </summary>
    [Fact]
    public async Task InvalidUtf8_InUnfinishedMessage_FailsWith1007BeforeItsEnd()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            RawWebSocket.BuildFrame(RawFrame.Text, s_kosme, fin: false),
            RawWebSocket.BuildFrame(RawFrame.Continuation, [0xF4, 0x90, 0x80, 0x80, 0x61], fin: false)));

        await ws.ExpectFailureAsync(1007);
    }

    /// <summary>RFC 6455 §8.1: a fragmented text message that ends inside a code point (its last fragment empty) fails with 1007.</summary>
    [Fact]
    public async Task Utf8CodePointCutByEndOfFragmentedMessage_FailsWith1007()
    {
        await using var ws = await server.OpenAsync();

        await ws.SendRawAsync(Frames.Concat(
            RawWebSocket.BuildFrame(RawFrame.Text, s_kosme.AsSpan(0, s_kosme.Length - 1), fin: false),
            RawWebSocket.BuildFrame(RawFrame.Continuation, [], fin: true)));

        await ws.ExpectFailureAsync(1007);
    }

    /// <summary>RFC 6455 §5.6: binary data is not interpreted; a binary message of bytes invalid as UTF-8 is echoed byte for byte.</summary>
    [Fact]
    public async Task BinaryMessage_OfBytesInvalidAsUtf8_IsEchoed()
    {
        await using var ws = await server.OpenAsync();
        byte[] payload = [0xFF, 0xFE, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xF4, 0x90, 0x80, 0x80, 0xCE];

        await ws.SendRawAsync(Frames.Concat(Frames.Fragments(RawFrame.Binary, payload, 5)));

        await ws.ExpectEchoAsync(RawFrame.Binary, payload);
    }
}
