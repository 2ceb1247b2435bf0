using System.Buffers;
using System.Text;
using System.Text.Json;
using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "Deliveries of a publication published with <c>ack_required: true</c> carry it; the server resends
/// the same <c>message</c> (same <c>id</c>) with backoff until the client's <c>ack</c>, for a bounded number of
/// attempts; the client drops duplicates by <c>id</c>." Issue 5 §1: "then the message is reported undeliverable".
/// </summary>
public sealed class AckRetryTests
{
    private static readonly SessionSettings s_settings = SessionDriver.DefaultSettings() with
    {
        AckRetryInitialMs = 1_000,
        AckRetryFactor = 2,
        AckMaxAttempts = 3,
    };

    [Fact]
    public void Deliver_AckRequired_SentAndTracked()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", settings: s_settings);

        driver.Deliver("chat", Requests.Pub(1, ackRequired: true));

        Assert.Equal([1L], SentOffsets(driver.Effects()));
        Assert.Equal(SessionDriver.T0 + 1_000, driver.Session.NextDeadlineMs);
    }

    [Fact]
    public void Unacked_RetriedWithTheSameIdWithBackoff_StopsAfterTheBound()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", settings: s_settings);
        driver.Deliver("chat", Requests.Pub(1, ackRequired: true));
        var first = Assert.IsType<SendPublication>(Assert.Single(driver.Effects()));
        var log = new List<(long At, SessionEffect Effect)>();

        while (driver.Session.NextDeadlineMs is { } deadline)
        {
            driver.Tick(deadline);
            log.AddRange(driver.Effects().Select(effect => (deadline - SessionDriver.T0, effect)));
        }

        Assert.Equal([1_000L, 3_000L, 7_000L], log.Select(entry => entry.At));
        Assert.Same(first, log[0].Effect);
        Assert.Same(first, log[1].Effect);
        Assert.Equal(new ReportUndeliverable("chat", "e1", first.Publication, 3), log[2].Effect);
        driver.Tick(SessionDriver.T0 + 1_000_000);
        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void Ack_StopsTheResends()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", settings: s_settings);
        driver.Deliver("chat", Requests.Pub(1, ackRequired: true));
        driver.Effects();

        driver.Receive(Requests.Ack("e1:1"));
        driver.Tick(SessionDriver.T0 + 100_000);

        Assert.Empty(driver.Effects());
        Assert.Null(driver.Session.NextDeadlineMs);
    }

    [Fact]
    public void Ack_AfterAResend_StopsTheRest()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", settings: s_settings);
        driver.Deliver("chat", Requests.Pub(1, ackRequired: true));
        driver.Tick(SessionDriver.T0 + 1_000);
        Assert.Equal([1L, 1L], SentOffsets(driver.Effects()));

        driver.Receive(Requests.Ack("e1:1"));
        driver.Tick(SessionDriver.T0 + 100_000);

        Assert.Empty(driver.Effects());
    }

    [Theory]
    [InlineData("e1:99")]
    [InlineData("nonsense")]
    public void Ack_UnknownOrDuplicate_IgnoredWithoutError(string id)
    {
        var driver = SessionDriver.NewSubscribedSession("chat", settings: s_settings);
        driver.Deliver("chat", Requests.Pub(1, ackRequired: true));
        driver.Receive(Requests.Ack("e1:1"));
        driver.Effects();

        driver.Receive(Requests.Ack("e1:1"));
        driver.Receive(Requests.Ack(id));

        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void Ack_NotRateLimited()
    {
        var driver = SessionDriver.NewConnectedSession(s_settings with { RequestBurst = 1, RequestsPerSecond = 0.001 });

        for (var i = 0; i < 10; i++)
        {
            driver.Receive(Requests.Ack($"e1:{i}"));
        }

        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void Deliver_WithoutAckRequired_NeverResent()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", settings: s_settings);

        driver.Deliver("chat", Requests.Pub(1));

        driver.Effects();
        Assert.Null(driver.Session.NextDeadlineMs);
    }

    [Fact]
    public void Unsubscribe_StopsResendsOnThatChannel()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", settings: s_settings);
        driver.Deliver("chat", Requests.Pub(1, ackRequired: true));
        driver.Receive(Requests.Unsubscribe("u1", "chat"));
        driver.Effects();

        driver.Tick(SessionDriver.T0 + 100_000);

        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void Acks_OverJson_TheMessageIdIsWhatTheClientAcks()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", settings: s_settings);
        driver.Deliver("chat", Requests.Pub(7, ackRequired: true));
        var delivery = Assert.IsType<SendPublication>(Assert.Single(driver.Effects()));
        var output = new ArrayBufferWriter<byte>();
        JsonEnvelopeCodec.Instance.WriteMessage(output, delivery.Channel, delivery.Epoch, delivery.Publication);
        using var message = JsonDocument.Parse(output.WrittenMemory);
        var id = message.RootElement.GetProperty("id").GetString();
        Assert.True(message.RootElement.GetProperty("ack_required").GetBoolean());

        driver.ReceiveJson($$"""{"type":"ack","id":"{{id}}"}""");

        Assert.Empty(driver.Effects());
        Assert.Null(driver.Session.NextDeadlineMs);
    }

    [Fact]
    public void Resend_EncodesTheSameBytes()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", settings: s_settings);
        driver.Deliver("chat", Requests.Pub(1, ackRequired: true));
        var first = Assert.IsType<SendPublication>(Assert.Single(driver.Effects()));
        driver.Tick(SessionDriver.T0 + 1_000);
        var resend = Assert.IsType<SendPublication>(Assert.Single(driver.Effects()));

        Assert.Equal(Encode(first), Encode(resend));
    }

    private static string Encode(SendPublication delivery)
    {
        var output = new ArrayBufferWriter<byte>();
        JsonEnvelopeCodec.Instance.WriteMessage(output, delivery.Channel, delivery.Epoch, delivery.Publication);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
