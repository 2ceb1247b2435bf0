namespace Pulse.Hub.Protocol;

/// <summary>The <c>type</c> of a pulse.v1 envelope (DESIGN §2). The wire name is the lower-case member name.</summary>
public enum EnvelopeType
{
    // Client -> server requests, each answered by a reply or an error with the same id.

    /// <summary><c>connect</c>: authenticate with a token.</summary>
    Connect,

    /// <summary><c>subscribe</c>: join a channel, optionally recovering from a position.</summary>
    Subscribe,

    /// <summary><c>unsubscribe</c>: leave a channel.</summary>
    Unsubscribe,

    /// <summary><c>publish</c>: publish data to a channel.</summary>
    Publish,

    /// <summary><c>presence</c>: who is in a channel.</summary>
    Presence,

    /// <summary><c>history</c>: a channel's recent publications.</summary>
    History,

    /// <summary><c>ping</c>: answered by <c>pong</c> (app-level heartbeat for browsers).</summary>
    Ping,

    /// <summary><c>ack</c>: confirms a <c>message</c> that carried <c>ack_required</c>; no reply.</summary>
    Ack,

    // Server -> client.

    /// <summary><c>welcome</c>: sent once on connect.</summary>
    Welcome,

    /// <summary><c>reply</c>: the answer to a request.</summary>
    Reply,

    /// <summary><c>error</c>: a request (or a frame) failed.</summary>
    Error,

    /// <summary><c>message</c>: a publication delivered on a subscribed channel.</summary>
    Message,

    /// <summary><c>join</c>: a client subscribed to a channel with join/leave events.</summary>
    Join,

    /// <summary><c>leave</c>: a client left such a channel.</summary>
    Leave,

    /// <summary><c>pong</c>: the answer to <c>ping</c>.</summary>
    Pong,
}
