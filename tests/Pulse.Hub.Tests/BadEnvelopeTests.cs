using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "A bad envelope (not JSON, unknown type, missing field, wrong type) gets an <c>error</c> (with
/// the request <c>id</c> when there is one) and the connection stays open; only abuse (a flood of errors,
/// limits exceeded) closes it, with a close code that says why (1008/1009/1013)." Through each codec into a
/// session, as the adapter feeds it.
/// </summary>
public sealed class BadEnvelopeTests
{
    private static readonly Dictionary<string, IEnvelopeCodec> s_codecs = new()
    {
        ["json"] = JsonEnvelopeCodec.Instance,
        ["protobuf"] = ProtobufEnvelopeCodec.Instance,
    };

    private static readonly Dictionary<string, (Func<IEnvelopeCodec, byte[]> Message, ErrorCode Code, string? Id)> s_cases = new()
    {
        ["unreadable bytes"] = (codec => codec == JsonEnvelopeCodec.Instance ? "{not json"u8.ToArray() : [0x02, 0x0A, 0x09], ErrorCode.BadRequest, null),
        ["unknown type"] = (codec => Encode(codec, new() { Type = "shout", Id = "r1" }), ErrorCode.UnknownType, "r1"),
        ["missing id"] = (codec => Encode(codec, new() { Type = "subscribe", Channel = "chat" }), ErrorCode.BadRequest, null),
        ["missing channel"] = (codec => Encode(codec, new() { Type = "subscribe", Id = "r1" }), ErrorCode.BadRequest, "r1"),
        ["invalid channel"] = (codec => Encode(codec, new() { Type = "publish", Id = "r1", Channel = "no spaces", Data = "1" }), ErrorCode.InvalidChannel, "r1"),
        ["missing data"] = (codec => Encode(codec, new() { Type = "publish", Id = "r1", Channel = "chat" }), ErrorCode.BadRequest, "r1"),
        ["missing token"] = (codec => Encode(codec, new() { Type = "connect", Id = "r1" }), ErrorCode.BadRequest, "r1"),
        ["limit out of range"] = (codec => Encode(codec, new() { Type = "history", Id = "r1", Channel = "chat", Limit = 1L + int.MaxValue }), ErrorCode.BadRequest, "r1"),
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var codec in s_codecs.Keys)
        {
            foreach (var @case in s_cases.Keys)
            {
                data.Add(codec, @case);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadEnvelope_ErrorWithIdAndConnectionStaysOpen(string codecName, string @case)
    {
        var codec = s_codecs[codecName];
        var (message, code, id) = s_cases[@case];
        var driver = SessionDriver.NewConnectedSession();

        driver.ReceiveWire(codec, message(codec));
        AssertError(driver.Effects(), code, id);

        driver.ReceiveWire(codec, Encode(codec, new() { Type = "ping", Id = "still-there" }));
        Assert.Equal("still-there", AssertSent<PongEnvelope>(driver.Effects()).Id);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("protobuf")]
    public void BadEnvelopeInABatch_OthersStillAnswered(string codecName)
    {
        var codec = s_codecs[codecName];
        var driver = SessionDriver.NewConnectedSession();

        driver.ReceiveWire(codec, [
            .. Encode(codec, new() { Type = "ping", Id = "a" }),
            .. Encode(codec, new() { Type = "nope", Id = "b" }),
            .. Encode(codec, new() { Type = "ping", Id = "c" }),
        ]);

        var effects = driver.Effects();
        Assert.Equal(3, effects.Count);
        Assert.Equal("a", Assert.IsType<PongEnvelope>(Assert.IsType<SendEnvelope>(effects[0]).Envelope).Id);
        Assert.Equal(ErrorCode.UnknownType, Assert.IsType<ErrorEnvelope>(Assert.IsType<SendEnvelope>(effects[1]).Envelope).Code);
        Assert.Equal("c", Assert.IsType<PongEnvelope>(Assert.IsType<SendEnvelope>(effects[2]).Envelope).Id);
    }

    [Fact]
    public void FloodOfErrors_ClosesWith1008AfterTheLastError()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings() with { MaxErrors = 5, ErrorWindowMs = 10_000 });
        for (var i = 0; i < 4; i++)
        {
            driver.ReceiveJson("not json");
            AssertError(driver.Effects(), ErrorCode.BadRequest, null);
        }

        driver.ReceiveJson("not json");

        var effects = driver.Effects();
        Assert.Equal(2, effects.Count);
        Assert.IsType<ErrorEnvelope>(Assert.IsType<SendEnvelope>(effects[0]).Envelope);
        Assert.Equal("too many errors", AssertClosing(effects, CloseCode.PolicyViolation).Reason);
    }

    [Fact]
    public void FloodOfErrors_AfterTheClose_InputsIgnored()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings() with { MaxErrors = 1 });
        driver.ReceiveJson("not json");
        driver.Effects();

        driver.ReceiveJson("""{"type":"ping","id":"p"}""");
        driver.Deliver("chat", Requests.Pub(1));
        driver.Tick(driver.NowMs + 1_000_000);

        Assert.Empty(driver.Effects());
        Assert.Null(driver.Session.NextDeadlineMs);
    }

    [Fact]
    public void ErrorsSpreadOverTime_NeverClose()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings() with { MaxErrors = 3, ErrorWindowMs = 1_000 });

        for (var i = 0; i < 50; i++)
        {
            driver.NowMs += 600;
            driver.ReceiveJson("not json");
            Assert.Single(driver.Effects());
        }
    }

    [Fact]
    public void RefusedRequests_CountTowardTheFlood()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings() with { MaxErrors = 3 });
        driver.Receive(Requests.Unsubscribe("u1", "a"));
        driver.Receive(Requests.Unsubscribe("u2", "b"));

        driver.Receive(Requests.Unsubscribe("u3", "c"));

        AssertClosing(driver.Effects(), CloseCode.PolicyViolation);
    }

    [Fact]
    public void EngineFailures_AreNotTheClientsFault_NeverClose()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings() with { MaxErrors = 2 });

        for (var i = 0; i < 5; i++)
        {
            driver.Receive(Requests.Presence($"q{i}", "chat"));
            var request = AssertCall<PresenceRequest>(driver.Effects());
            driver.Complete(new EngineFailure(request.Number, ErrorCode.Unavailable, "presence store unavailable"));
            AssertError(driver.Effects(), ErrorCode.Unavailable, $"q{i}");
        }
    }

    private static byte[] Encode(IEnvelopeCodec codec, ClientFields fields) =>
        codec == JsonEnvelopeCodec.Instance ? [.. fields.ToJson(), (byte)'\n'] : fields.ToProtobuf();
}
