namespace Pulse.Hub.Client.Internal;

/// <summary>What a pending request asked, so its reply can be read and its fate decided when the connection drops.</summary>
internal enum RequestKind
{
    /// <summary><c>subscribe</c>: ends with its connection; the subscription is sent again with <c>since</c>.</summary>
    Subscribe,

    /// <summary><c>unsubscribe</c>: done when its connection drops, since the next one never subscribes the channel.</summary>
    Unsubscribe,

    /// <summary><c>publish</c>: sent again on the next connection, with the same id.</summary>
    Publish,

    /// <summary><c>presence</c>: a read, sent again on the next connection.</summary>
    Presence,

    /// <summary><c>history</c>: a read, sent again on the next connection.</summary>
    History,

    /// <summary><c>ping</c>: the heartbeat of one connection; fails with it.</summary>
    Ping,
}
