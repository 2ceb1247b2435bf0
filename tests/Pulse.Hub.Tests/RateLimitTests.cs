using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// Issue 5 §1: "rate limits (token bucket per connection)"; §7: "only floods and limit abuse close it, with
/// 1008, 1009 or 1013 and a reason". A request over the rate gets a 429 error; a flood of them closes.
/// </summary>
public sealed class RateLimitTests
{
    private static readonly SessionSettings s_settings = SessionDriver.DefaultSettings() with { RequestsPerSecond = 10, RequestBurst = 3, MaxErrors = 100 };

    [Fact]
    public void Requests_BeyondTheBurst_429WithTheId()
    {
        var driver = SessionDriver.NewConnectedSession(s_settings);
        for (var i = 0; i < 3; i++)
        {
            driver.Receive(Requests.Ping($"p{i}"));
        }

        driver.Effects();

        driver.Receive(Requests.Ping("p3"));

        Assert.True(ErrorCodes.IsTemporary(AssertError(driver.Effects(), ErrorCode.LimitExceeded, "p3").Code));
    }

    [Fact]
    public void Requests_AllowedAgainAsTheBucketRefills()
    {
        var driver = SessionDriver.NewConnectedSession(s_settings);
        for (var i = 0; i < 4; i++)
        {
            driver.Receive(Requests.Ping($"p{i}"));
        }

        driver.Effects();

        driver.NowMs += 100;
        driver.Receive(Requests.Ping("later"));

        Assert.Equal("later", AssertSent<PongEnvelope>(driver.Effects()).Id);
    }

    [Fact]
    public void Requests_AtTheSustainedRate_NeverRefused()
    {
        var driver = SessionDriver.NewConnectedSession(s_settings);

        for (var i = 0; i < 200; i++)
        {
            driver.NowMs += 100;
            driver.Receive(Requests.Ping($"p{i}"));
            AssertSent<PongEnvelope>(driver.Effects());
        }
    }

    [Fact]
    public void Flood_ManyRefusals_Closes1008()
    {
        var driver = SessionDriver.NewConnectedSession(s_settings with { MaxErrors = 10 });

        for (var i = 0; i < 13; i++)
        {
            driver.Receive(Requests.Ping($"p{i}"));
        }

        AssertClosing(driver.Effects(), CloseCode.PolicyViolation);
    }
}
