namespace Pulse;

/// <summary>What <see cref="Broadcast"/> does with a connection whose outgoing buffer is over its write limit.</summary>
public enum BroadcastPolicy
{
    /// <summary>Close it with 1013 (try again later, "slow consumer") and free what it had buffered. The default.</summary>
    CloseSlowConsumer,

    /// <summary>Skip it: this message is not sent to it, the connection stays open.</summary>
    SkipSlowConsumer,
}
