using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "a subscribe with <c>since</c> returns the missed publications … with no gap and no duplicate;
/// when history cannot cover the gap (or the epoch changed), the reply says <c>recovered: false</c>".
/// </summary>
public sealed class RecoveryDecisionTests
{
    private static readonly Dictionary<string, (StreamPosition Since, StreamPosition Latest, long[] Returned, RecoveryOutcome Expected)> s_cases = new()
    {
        ["exactly the missed ones"] = (new("e1", 3), new("e1", 6), [4, 5, 6], RecoveryOutcome.Recovered),
        ["nothing missed"] = (new("e1", 6), new("e1", 6), [], RecoveryOutcome.Recovered),
        ["from the very start"] = (new("e1", 0), new("e1", 2), [1, 2], RecoveryOutcome.Recovered),
        ["empty stream"] = (new("e1", 0), new("e1", 0), [], RecoveryOutcome.Recovered),
        ["oldest ones trimmed from history"] = (new("e1", 3), new("e1", 6), [5, 6], RecoveryOutcome.Incomplete),
        ["gap in the middle"] = (new("e1", 3), new("e1", 6), [4, 6], RecoveryOutcome.Incomplete),
        ["duplicate returned"] = (new("e1", 3), new("e1", 5), [4, 4, 5], RecoveryOutcome.Incomplete),
        ["out of order"] = (new("e1", 3), new("e1", 5), [5, 4], RecoveryOutcome.Incomplete),
        ["history empty but publications missed"] = (new("e1", 3), new("e1", 6), [], RecoveryOutcome.Incomplete),
        ["more than the latest"] = (new("e1", 3), new("e1", 4), [4, 5], RecoveryOutcome.Incomplete),
        ["epoch changed"] = (new("e0", 3), new("e1", 6), [4, 5, 6], RecoveryOutcome.EpochChanged),
        ["epoch changed, same offset"] = (new("e0", 6), new("e1", 6), [], RecoveryOutcome.EpochChanged),
        ["since beyond latest"] = (new("e1", 9), new("e1", 6), [], RecoveryOutcome.SinceBeyondLatest),
    };

    public static TheoryData<string> Cases => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide(string @case)
    {
        var (since, latest, returned, expected) = s_cases[@case];

        var outcome = RecoveryDecision.Decide(since, latest, [.. returned.Select(offset => Requests.Pub(offset))]);

        Assert.Equal(expected, outcome);
    }
}
