using Pulse.Hub.Core;

namespace Pulse.Hub.Tests;

/// <summary>DESIGN §2: "only abuse (a flood of errors, limits exceeded) closes it". The window alone.</summary>
public sealed class ErrorBudgetTests
{
    [Fact]
    public void MaxErrorsWithinWindow_Exhausts()
    {
        var budget = new ErrorBudget(maxErrors: 3, windowMs: 1_000);

        Assert.Equal([false, false, true], new[] { 0L, 10, 20 }.Select(budget.Record));
    }

    [Fact]
    public void ErrorsSpreadOut_NeverExhaust()
    {
        var budget = new ErrorBudget(3, 1_000);

        Assert.All(Enumerable.Range(0, 100), i => Assert.False(budget.Record(i * 500L)));
        Assert.Equal(2, budget.Count);
    }

    [Fact]
    public void OldErrors_LeaveTheWindow()
    {
        var budget = new ErrorBudget(3, 1_000);
        budget.Record(0);
        budget.Record(500);

        Assert.False(budget.Record(1_000));
        Assert.True(budget.Record(1_001));
    }

    [Fact]
    public void MaxZero_NeverExhausts()
    {
        var budget = new ErrorBudget(0, 1_000);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.False(budget.Record(0)));
    }
}
