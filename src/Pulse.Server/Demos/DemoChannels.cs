using Pulse.Hub.Hosting;

namespace Pulse.Server.Demos;

/// <summary>The channels the demo pages use, and the namespaces they need on the hub.</summary>
internal static class DemoChannels
{
    /// <summary>Chat rooms are <c>chat:ROOM</c>: join/leave events, presence and 100 messages of history.</summary>
    public const string ChatNamespace = "chat";

    /// <summary>The counter's value, published only by the server.</summary>
    public const string CounterValue = "counter:value";

    /// <summary>Where pages publish <c>{"delta": 1}</c> or <c>{"delta": -1}</c>.</summary>
    public const string CounterClicks = "counter:clicks";

    /// <summary>The server's clock, <c>{"time": unix ms}</c> every second while someone watches.</summary>
    public const string Clock = "clock:time";

    /// <summary>The log tail: a demo worker's made-up lines (never the server's own log; see <see cref="LogTailDemo"/>).</summary>
    public const string Logs = "logs:server";

    /// <summary>
    /// Adds the demo namespaces to <paramref name="hub"/>, leaving alone any the configuration defined already.
    /// </summary>
    public static void AddNamespaces(HubOptions hub)
    {
        hub.Namespaces.TryAdd(ChatNamespace, new NamespaceOptions { JoinLeave = true, HistorySize = 100 });

        // Clicks and the value share the namespace so one join/leave stream counts who is online; the value is
        // protected by the counter's publish hook instead of the namespace's publish permission.
        hub.Namespaces.TryAdd("counter", new NamespaceOptions { JoinLeave = true, HistorySize = 1 });
        hub.Namespaces.TryAdd("clock", new NamespaceOptions { Publish = Pulse.Hub.Core.PublishPermission.ServerOnly, HistorySize = 1 });
        hub.Namespaces.TryAdd("logs", new NamespaceOptions { Publish = Pulse.Hub.Core.PublishPermission.ServerOnly, HistorySize = 100 });
    }
}
