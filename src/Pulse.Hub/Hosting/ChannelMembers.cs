namespace Pulse.Hub.Hosting;

/// <summary>
/// One channel's local subscribers (hub connections), with a gate for broker calls. Fan-out reads
/// <see cref="Snapshot"/> without a lock; joining is amortized O(1) (it used to copy every member), and leaving
/// finds the member by a scan and copies nothing but now and then a compaction.
/// </summary>
/// <remarks>
/// Writers (under a lock) only ever write an array slot no published view covers yet (appending), or clear a
/// slot to null (leaving); growing and compacting make a new array. So a reader holding an older view sees
/// each member it had, or a null in its place: readers skip nulls.
/// </remarks>
internal sealed class ChannelMembers<TMember>(string name)
    where TMember : class
{
    private readonly Lock _lock = new();
    private TMember?[] _items = [];
    private int _length;
    private int _count;
    private View _view = new([], 0);

    /// <summary>The channel's name: one instance for every fan-out, which sessions recognize by reference.</summary>
    public string Name { get; } = name;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public bool BrokerSubscribed { get; set; }

    /// <summary>The members at this moment, with nulls where some left: skip those.</summary>
    public ReadOnlySpan<TMember?> Snapshot
    {
        get
        {
            var view = Volatile.Read(ref _view);
            return view.Items.AsSpan(0, view.Length);
        }
    }

    public int Count => Volatile.Read(ref _count);

    public void Add(TMember member)
    {
        lock (_lock)
        {
            if (_length == _items.Length)
            {
                Resize(Math.Max(4, _count * 2));
            }

            _items[_length++] = member;
            _count++;
            Volatile.Write(ref _view, new View(_items, _length));
        }
    }

    public bool Remove(TMember member)
    {
        lock (_lock)
        {
            var index = Array.IndexOf(_items, member, 0, _length);
            if (index < 0)
            {
                return false;
            }

            Volatile.Write(ref _items[index], null);
            _count--;
            if (_length > 8 && _count <= _length / 4)
            {
                // Mostly holes: compact, so fan-out does not walk them; the leaves since the last compaction pay for the copy.
                Resize(Math.Max(4, _count * 2));
                Volatile.Write(ref _view, new View(_items, _length));
            }

            return true;
        }
    }

    // A new array with the members in order and no holes; the old one stays as it is for readers still on it.
    private void Resize(int capacity)
    {
        var items = new TMember?[capacity];
        var length = 0;
        foreach (var item in _items.AsSpan(0, _length))
        {
            if (item is not null)
            {
                items[length++] = item;
            }
        }

        _items = items;
        _length = length;
    }

    private sealed record View(TMember?[] Items, int Length);
}
