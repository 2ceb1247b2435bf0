namespace Pulse.Cli.Soak;

/// <summary>What <c>pulse bench soak</c> runs with, each value checked on the way in.</summary>
internal sealed record SoakSettings
{
    /// <summary>How long the clients churn and the burst may take; the settling and the checks come after, bounded too.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Short-lived hub clients connecting, subscribing, publishing and leaving at random.</summary>
    public required int Clients { get; init; }

    /// <summary>Long-lived subscribers of the main channel whose deliveries are checked one by one.</summary>
    public required int Subscribers { get; init; }

    /// <summary>Small messages published to the main channel with <c>ack_required</c>.</summary>
    public required int Messages { get; init; }

    /// <summary>The share of relayed connections cut every quarter second.</summary>
    public required double DropFraction { get; init; }

    public required int Seed { get; init; }

    public bool Json { get; init; }
}
