namespace Pulse.Hub.Core;

/// <summary>The limits and schedules a <see cref="Session"/> applies; fixed for its life. Times are in milliseconds.</summary>
internal sealed record SessionSettings
{
    /// <summary>The policy of each channel, from its namespace.</summary>
    public required Func<string, ChannelPolicy> ResolvePolicy { get; init; }

    /// <summary>Whether clients without a token may use the hub (DESIGN's development default).</summary>
    public bool AllowAnonymous { get; init; }

    /// <summary>With anonymous access off: how long a client may take to authenticate before it is closed with 1008.</summary>
    public long ConnectTimeoutMs { get; init; } = 10_000;

    /// <summary>The heartbeat announced in <c>welcome</c>: how often browsers should send <c>ping</c>.</summary>
    public int HeartbeatSeconds { get; init; } = 25;

    /// <summary>The most channels one connection may subscribe to.</summary>
    public int MaxSubscriptions { get; init; } = 128;

    /// <summary>The largest <c>data</c> a client may publish, in bytes.</summary>
    public int MaxPublishSize { get; init; } = 64 * 1024;

    /// <summary>Requests per second a connection may sustain (token bucket rate).</summary>
    public double RequestsPerSecond { get; init; } = 100;

    /// <summary>Requests a connection may send in a burst (token bucket size).</summary>
    public int RequestBurst { get; init; } = 200;

    /// <summary>Errors (bad envelopes, refused requests) within <see cref="ErrorWindowMs"/> that count as abuse: close with 1008.</summary>
    public int MaxErrors { get; init; } = 50;

    /// <summary>The window for <see cref="MaxErrors"/>.</summary>
    public long ErrorWindowMs { get; init; } = 10_000;

    /// <summary>The first resend of an unacknowledged message.</summary>
    public long AckRetryInitialMs { get; init; } = 2_000;

    /// <summary>How much the resend delay grows each time.</summary>
    public double AckRetryFactor { get; init; } = 2;

    /// <summary>How many times a message is sent in all before it is reported undeliverable.</summary>
    public int AckMaxAttempts { get; init; } = 5;

    /// <summary>How many recent publish ids are remembered for de-duplication.</summary>
    public int DedupWindowSize { get; init; } = 1_000;

    /// <summary>How long a publish id is remembered.</summary>
    public long DedupWindowMs { get; init; } = 120_000;

    /// <summary>Live publications buffered per channel while a subscription recovers; more closes with 1013.</summary>
    public int RecoveryBufferLimit { get; init; } = 10_000;
}
