using Pulse.Hub.Hosting;

namespace Pulse.Hub.Tests;

/// <summary>A channel's member list: what fan-out sees after joins and leaves, and that an older snapshot stays usable.</summary>
public sealed class ChannelMembersTests
{
    [Fact]
    public void JoinsAndLeaves_SnapshotHoldsExactlyTheMembers()
    {
        var members = new ChannelMembers<object>("chat");
        var all = Enumerable.Range(0, 100).Select(_ => new object()).ToArray();
        foreach (var member in all)
        {
            members.Add(member);
        }

        foreach (var member in all.Where((_, i) => i % 3 != 0))
        {
            Assert.True(members.Remove(member));
        }

        Assert.False(members.Remove(all[1]));
        var expected = all.Where((_, i) => i % 3 == 0).ToArray();
        Assert.Equal(expected.Length, members.Count);
        Assert.Equal(expected, Live(members.Snapshot));
    }

    [Fact]
    public void OlderSnapshot_SeesItsMembersOrNulls_NeverNewcomers()
    {
        var members = new ChannelMembers<object>("chat");
        var first = Enumerable.Range(0, 5).Select(_ => new object()).ToArray();
        foreach (var member in first)
        {
            members.Add(member);
        }

        var before = members.Snapshot.ToArray();
        var older = members.Snapshot;
        Assert.True(members.Remove(first[2]));
        members.Add(new object());
        members.Add(new object());

        Assert.Equal(before.Length, older.Length);
        for (var i = 0; i < older.Length; i++)
        {
            Assert.True(older[i] is null || ReferenceEquals(older[i], before[i]));
        }
    }

    [Fact]
    public void EveryoneLeaves_ThenJoins_Counted()
    {
        var members = new ChannelMembers<object>("chat");
        var all = Enumerable.Range(0, 50).Select(_ => new object()).ToArray();
        foreach (var member in all)
        {
            members.Add(member);
        }

        foreach (var member in all)
        {
            Assert.True(members.Remove(member));
        }

        Assert.Equal(0, members.Count);
        Assert.Empty(Live(members.Snapshot));
        members.Add(all[0]);
        Assert.Equal([all[0]], Live(members.Snapshot));
    }

    private static object[] Live(ReadOnlySpan<object?> snapshot)
    {
        var live = new List<object>();
        foreach (var member in snapshot)
        {
            if (member is not null)
            {
                live.Add(member);
            }
        }

        return [.. live];
    }
}
