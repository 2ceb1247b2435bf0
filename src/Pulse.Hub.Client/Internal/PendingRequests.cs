using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Pulse.Hub.Client.Internal;

/// <summary>
/// The table of requests waiting for their <c>reply</c>, <c>error</c> or <c>pong</c>, by id. Ids are unique for
/// the client's lifetime (<c>c1</c>, <c>c2</c>…), so a request sent again on a new connection keeps its id and
/// never meets another's.
/// </summary>
/// <remarks>Pure and not thread-safe: the client calls it under its lock and completes the tasks outside it.</remarks>
internal sealed class PendingRequests
{
    private readonly Dictionary<string, PendingRequest> _byId = new(StringComparer.Ordinal);
    private long _lastSequence;

    public int Count => _byId.Count;

    /// <summary>Creates and adds a request with a fresh id; <paramref name="build"/> makes its frame from the id.</summary>
    public PendingRequest Add(RequestKind kind, Func<string, byte[]> build, Subscription? subscription = null)
    {
        var sequence = ++_lastSequence;
        var id = string.Create(CultureInfo.InvariantCulture, $"c{sequence}");
        var request = new PendingRequest(id, sequence, kind, build(id), subscription);
        _byId.Add(id, request);
        return request;
    }

    /// <summary>Takes out the request <paramref name="id"/> answers; false for an id not pending (timed out, or not ours).</summary>
    public bool TryTake(string id, [MaybeNullWhen(false)] out PendingRequest request) => _byId.Remove(id, out request);

    /// <summary>Takes out a request that timed out or was cancelled; false if its answer came first.</summary>
    public bool Remove(PendingRequest request) =>
        _byId.TryGetValue(request.Id, out var found) && ReferenceEquals(found, request) && _byId.Remove(request.Id);

    /// <summary>
    /// The connection dropped: takes out into <paramref name="ended"/> the requests that end with it, and keeps
    /// those sent again on the next connection (<see cref="PendingRequest.RetriedAfterReconnect"/>).
    /// </summary>
    public void TakeEndedByDisconnect(List<PendingRequest> ended)
    {
        foreach (var request in _byId.Values)
        {
            if (!request.RetriedAfterReconnect)
            {
                ended.Add(request);
            }
        }

        foreach (var request in ended)
        {
            _byId.Remove(request.Id);
        }
    }

    /// <summary>
    /// Adds to <paramref name="toSend"/>, oldest first, the requests not sent on connection
    /// <paramref name="generation"/> yet, and marks them sent on it.
    /// </summary>
    public void TakeUnsent(long generation, List<PendingRequest> toSend)
    {
        var start = toSend.Count;
        foreach (var request in _byId.Values)
        {
            if (request.SentOn != generation)
            {
                request.SentOn = generation;
                toSend.Add(request);
            }
        }

        toSend.Sort(start, toSend.Count - start, Comparer<PendingRequest>.Create(static (a, b) => a.Sequence.CompareTo(b.Sequence)));
    }

    /// <summary>Takes out every request, for a client that is closing.</summary>
    public void TakeAll(List<PendingRequest> all)
    {
        all.AddRange(_byId.Values);
        _byId.Clear();
    }
}
