using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

/// <summary>
/// Whether a <c>subscribe</c> with <c>since</c> recovered (DESIGN §2: the reply carries exactly the missed
/// publications, no gap and no duplicate; when history cannot cover the gap, or the epoch changed, it says
/// <c>recovered: false</c>).
/// </summary>
internal static class RecoveryDecision
{
    /// <summary>
    /// Decides from the client's <paramref name="since"/>, the stream's <paramref name="latest"/> position and
    /// the <paramref name="publications"/> the history returned after <paramref name="since"/>. Recovered only in
    /// the same epoch, when they are exactly <c>since.Offset + 1 … latest.Offset</c> in order (none when the
    /// client is already at the latest offset).
    /// </summary>
    public static RecoveryOutcome Decide(StreamPosition since, StreamPosition latest, IReadOnlyList<Publication> publications)
    {
        if (!string.Equals(since.Epoch, latest.Epoch, StringComparison.Ordinal))
        {
            return RecoveryOutcome.EpochChanged;
        }

        if (since.Offset > latest.Offset)
        {
            return RecoveryOutcome.SinceBeyondLatest;
        }

        if (publications.Count != latest.Offset - since.Offset)
        {
            return RecoveryOutcome.Incomplete;
        }

        for (var i = 0; i < publications.Count; i++)
        {
            if (publications[i].Offset != since.Offset + 1 + i)
            {
                return RecoveryOutcome.Incomplete;
            }
        }

        return RecoveryOutcome.Recovered;
    }
}

/// <summary>The outcome of <see cref="RecoveryDecision.Decide"/>; only <see cref="Recovered"/> is <c>recovered: true</c>.</summary>
internal enum RecoveryOutcome
{
    /// <summary>Every missed publication is there, in order.</summary>
    Recovered,

    /// <summary>The stream started over (history lost or reset): old offsets mean nothing.</summary>
    EpochChanged,

    /// <summary>The client claims an offset the stream never reached.</summary>
    SinceBeyondLatest,

    /// <summary>History no longer holds every missed publication (size or age), or returned them out of order.</summary>
    Incomplete,
}
