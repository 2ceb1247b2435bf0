using System.Diagnostics.Metrics;

namespace Pulse.Hub.Hosting;

/// <summary>The hub's instruments on the <c>Pulse</c> meter (the library adds the connection and message ones).</summary>
internal static class HubMetrics
{
    /// <summary>The meter; reading it creates the instruments, so an exporter lists them before their first use.</summary>
    internal static Meter Meter => s_meter;

    private static readonly Meter s_meter = new("Pulse");

    private static readonly Histogram<double> s_deliveryLatency = s_meter.CreateHistogram<double>(
        "pulse.hub.delivery.latency",
        "s",
        "Time from a publication's acceptance by the broker to its hand-over to a subscriber's connection.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    private static readonly Counter<long> s_publications = s_meter.CreateCounter<long>("pulse.hub.publications", "{publication}", "Publications accepted by this node's broker from its clients and the server API.");
    private static readonly UpDownCounter<long> s_acksPending = s_meter.CreateUpDownCounter<long>("pulse.hub.acks.pending", "{message}", "Deliveries waiting for the client's ack.");
    private static readonly Counter<long> s_acksRetried = s_meter.CreateCounter<long>("pulse.hub.acks.retried", "{message}", "Deliveries sent again because no ack came in time.");
    private static readonly Counter<long> s_acksFailed = s_meter.CreateCounter<long>("pulse.hub.acks.failed", "{message}", "Deliveries given up after the last retry.");
    private static readonly Counter<long> s_engineErrors = s_meter.CreateCounter<long>("pulse.hub.engine.errors", "{error}", "Engine calls that failed, by request.");

    public static void Delivered(long publishedMs, long nowMs)
    {
        if (s_deliveryLatency.Enabled)
        {
            s_deliveryLatency.Record(Math.Max(0, nowMs - publishedMs) / 1000.0);
        }
    }

    public static void Published() => s_publications.Add(1);

    public static void AcksChanged(int pendingDelta, long resent)
    {
        if (pendingDelta != 0)
        {
            s_acksPending.Add(pendingDelta);
        }

        if (resent != 0)
        {
            s_acksRetried.Add(resent);
        }
    }

    public static void AckFailed() => s_acksFailed.Add(1);

    public static void EngineError(string request) => s_engineErrors.Add(1, new KeyValuePair<string, object?>("request", request));
}
