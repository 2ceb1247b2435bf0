using Pulse.Hub.Core;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "a <c>publish</c> retried with the same <c>id</c> is applied once and answered with the same
/// reply (de-duplication window)". The window alone: bounded by count and age; in-flight ids known.
/// </summary>
public sealed class DedupWindowTests
{
    private static readonly PublishReply s_reply = new(7);

    [Fact]
    public void Begin_NewId_IsNewThenInFlight()
    {
        var window = new DedupWindow(10, 1_000);

        Assert.Equal(DedupStatus.New, window.Begin("p1", 0, out _));
        Assert.Equal(DedupStatus.InFlight, window.Begin("p1", 1, out var reply));
        Assert.Null(reply);
    }

    [Fact]
    public void Complete_CountsTheDuplicatesThatWaited()
    {
        var window = new DedupWindow(10, 1_000);
        window.Begin("p1", 0, out _);
        window.Begin("p1", 1, out _);
        window.Begin("p1", 2, out _);

        Assert.Equal(2, window.Complete("p1", s_reply, 3));
    }

    [Fact]
    public void Begin_CompletedId_ReturnsTheSameReply()
    {
        var window = new DedupWindow(10, 1_000);
        window.Begin("p1", 0, out _);
        window.Complete("p1", s_reply, 5);

        Assert.Equal(DedupStatus.Completed, window.Begin("p1", 10, out var reply));
        Assert.Same(s_reply, reply);
    }

    [Fact]
    public void Fail_ForgetsTheId_SoARetryPublishes()
    {
        var window = new DedupWindow(10, 1_000);
        window.Begin("p1", 0, out _);
        window.Begin("p1", 0, out _);

        Assert.Equal(1, window.Fail("p1"));
        Assert.Equal(DedupStatus.New, window.Begin("p1", 1, out _));
    }

    [Fact]
    public void Age_ForgottenOnceMaxAgeHasPassedSinceCompletion()
    {
        var window = new DedupWindow(10, maxAgeMs: 1_000);
        window.Begin("p1", 0, out _);
        window.Complete("p1", s_reply, 500);

        Assert.Equal(DedupStatus.Completed, window.Begin("p1", 1_499, out _));
        Assert.Equal(DedupStatus.New, window.Begin("p1", 1_500, out _));
    }

    [Fact]
    public void Count_OldestCompletedForgottenFirst()
    {
        var window = new DedupWindow(maxSize: 2, 1_000);
        foreach (var id in new[] { "a", "b", "c" })
        {
            window.Begin(id, 0, out _);
            window.Complete(id, s_reply, 0);
        }

        Assert.Equal(DedupStatus.New, window.Begin("a", 0, out _));
        Assert.Equal(DedupStatus.Completed, window.Begin("b", 0, out _));
        Assert.Equal(DedupStatus.Completed, window.Begin("c", 0, out _));
    }

    [Fact]
    public void InFlight_NeverForgottenByAgeOrCount()
    {
        var window = new DedupWindow(maxSize: 1, maxAgeMs: 10);
        window.Begin("slow", 0, out _);
        foreach (var id in new[] { "a", "b", "c" })
        {
            window.Begin(id, 0, out _);
            window.Complete(id, s_reply, 0);
        }

        Assert.Equal(DedupStatus.InFlight, window.Begin("slow", 1_000_000, out _));
    }

    [Fact]
    public void SizeZero_RemembersNothingCompleted()
    {
        var window = new DedupWindow(0, 1_000);
        window.Begin("p1", 0, out _);
        window.Complete("p1", s_reply, 0);

        Assert.Equal(DedupStatus.New, window.Begin("p1", 0, out _));
    }

    [Fact]
    public void CompleteOrFail_Unknown_IsZero()
    {
        var window = new DedupWindow(10, 1_000);

        Assert.Equal(0, window.Complete("x", s_reply, 0));
        Assert.Equal(0, window.Fail("x"));
    }
}
