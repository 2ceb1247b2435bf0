using System.Diagnostics;

namespace Pulse.Internal;

/// <summary>
/// The <see cref="ActivitySource"/> named "Pulse", like the meter, for tracing (OpenTelemetry's
/// <c>AddSource("Pulse")</c>): <c>pulse.handshake</c> (an upgrade decided), <c>pulse.publish</c> (a publication
/// handed to the hub's engine) and <c>pulse.deliver</c> (a publication fanned out to this node's subscribers).
/// With no listener, starting an activity costs a null check.
/// </summary>
internal static class PulseActivities
{
    public const string SourceName = "Pulse";

    public static ActivitySource Source { get; } = new(SourceName, typeof(PulseActivities).Assembly.GetName().Version?.ToString());
}
