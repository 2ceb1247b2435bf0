using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client.Internal;

/// <summary>A request sent (or waiting to be sent) and not answered yet.</summary>
internal sealed class PendingRequest(string id, long sequence, RequestKind kind, byte[] envelope, Subscription? subscription = null)
{
    /// <summary>The request id, the same on every connection it is sent on.</summary>
    public string Id { get; } = id;

    /// <summary>Orders requests by when they were made, for sending them again in that order.</summary>
    public long Sequence { get; } = sequence;

    public RequestKind Kind { get; } = kind;

    /// <summary>The frame to send, kept to be sent again unchanged.</summary>
    public byte[] Envelope { get; } = envelope;

    /// <summary>For <c>subscribe</c>: the subscription the reply sets up.</summary>
    public Subscription? Subscription { get; } = subscription;

    /// <summary>The generation of the connection it was last sent on; 0 while it waits for one.</summary>
    public long SentOn { get; set; }

    /// <summary>The reply's payload, or the error, timeout or closed connection that ends the request.</summary>
    public TaskCompletionSource<ReceivedReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Whether the request is sent again on the next connection. Reads are harmless to repeat; a publish is
    /// repeated with the same id, which the hub de-duplicates within one connection only.
    /// </summary>
    public bool RetriedAfterReconnect => Kind is RequestKind.Publish or RequestKind.Presence or RequestKind.History;
}
