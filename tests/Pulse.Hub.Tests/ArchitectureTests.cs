using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;

namespace Pulse.Hub.Tests;

/// <summary>
/// STYLE, the sans-I/O core of the hub: "<c>Pulse.Hub.Tests</c> references only <c>Pulse.Hub</c>, and nothing in
/// <c>Core/</c> or <c>Protocol/</c> uses <c>System.Net</c>, <c>Task.Delay</c> or <c>TimeProvider</c>." DESIGN §2:
/// the core has "no sockets and no clock of its own (time is passed in)".
/// </summary>
/// <remarks>
/// What is checked, by reflection over <c>Pulse.Hub</c> and <c>Pulse.Hub.Protocol</c>: every type in
/// <c>Pulse.Hub.Core</c> and <c>Pulse.Hub.Protocol</c> (and below, such as the generated <c>Protocol.Wire</c>), with the compiler-generated
/// types nested in them; their signatures, locals, and every method, field and type their IL refers to,
/// generic arguments included. Forbidden: any type in <c>System.Net</c> or below, <c>System.TimeProvider</c>,
/// <c>Task.Delay</c>, timers and stopwatches, <c>Thread.Sleep</c>, and the clocks (<c>DateTime.Now/UtcNow</c>,
/// <c>DateTimeOffset.Now/UtcNow</c>, <c>Environment.TickCount</c>). What it cannot see: reflection or
/// <c>dynamic</c> calls made by name, which the core does not use. The second test proves the scanner finds
/// each kind of use on purpose-built samples.
/// </remarks>
public sealed class ArchitectureTests
{
    [Fact]
    public void PureCore_UsesNoSocketsTimersOrClocks()
    {
        var uses = DependencyScanner.FindUses(typeof(Session).Assembly, ["Pulse.Hub.Core"], IsForbidden)
            .Concat(DependencyScanner.FindUses(typeof(Envelope).Assembly, ["Pulse.Hub.Protocol"], IsForbidden));

        Assert.Empty(uses);
    }

    [Fact]
    public void Engines_KnowChannelsAndPublications_NotTheTransportOrTheHost()
    {
        // Issue 17: an engine hands publications to the hub and never calls the WebSocket library (its only
        // use of it is the close code a cluster-wide disconnect carries); the hub owns the send batch.
        var uses = DependencyScanner.FindUses(
            typeof(Session).Assembly,
            ["Pulse.Hub.Engines"],
            (type, _) => (type.Namespace == "Pulse" && type != typeof(Pulse.CloseCode)) || type.Namespace?.StartsWith("Pulse.Hub.Hosting", StringComparison.Ordinal) == true);

        Assert.Empty(uses);
    }

    [Fact]
    public void Publication_IsAWireTypeWithoutAHostingCache()
    {
        var hidden = typeof(Pulse.Hub.Protocol.Publication).GetMembers(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly)
            .Where(member => member is System.Reflection.PropertyInfo || (member is System.Reflection.FieldInfo field && !field.Name.Contains("k__BackingField", StringComparison.Ordinal)));

        Assert.Empty(hidden);
    }

    [Fact]
    public void Scanner_FindsEachKindOfForbiddenUse()
    {
        var uses = DependencyScanner.FindUses(typeof(ArchitectureTests).Assembly, [typeof(ArchitectureSamples.UsesTaskDelay).Namespace!], IsForbidden);

        Assert.Contains(uses, use => use.Contains("UsesTaskDelay", StringComparison.Ordinal) && use.EndsWith("Task.Delay", StringComparison.Ordinal));
        Assert.Contains(uses, use => use.Contains("UsesTimeProvider", StringComparison.Ordinal) && use.Contains("System.TimeProvider", StringComparison.Ordinal));
        Assert.Contains(uses, use => use.Contains("HoldsAnAddress", StringComparison.Ordinal) && use.Contains("System.Net.IPAddress", StringComparison.Ordinal));
        Assert.Contains(uses, use => use.Contains("ReadsTheClockInALambda", StringComparison.Ordinal) && use.EndsWith("DateTime.get_UtcNow", StringComparison.Ordinal));
        Assert.Contains(uses, use => use.Contains("ListsEndpoints", StringComparison.Ordinal) && use.Contains("System.Net.IPEndPoint", StringComparison.Ordinal));
        Assert.DoesNotContain(uses, use => use.Contains("Innocent", StringComparison.Ordinal));
    }

    [Fact]
    public void Scanner_SeesIntoTheRealCore()
    {
        static bool IsProbe(Type type, string? member) =>
            type == typeof(System.Text.Json.Utf8JsonReader) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(PriorityQueue<,>));
        var uses = DependencyScanner.FindUses(typeof(Session).Assembly, ["Pulse.Hub.Core"], IsProbe)
            .Concat(DependencyScanner.FindUses(typeof(Envelope).Assembly, ["Pulse.Hub.Protocol"], IsProbe));

        Assert.Contains(uses, use => use.StartsWith("Pulse.Hub.Protocol.JsonEnvelopeCodec.", StringComparison.Ordinal));
        Assert.Contains(uses, use => use.StartsWith("Pulse.Hub.Core.AckTracker.", StringComparison.Ordinal));
    }

    [Fact]
    public void TestProject_ReferencesOnlyPulseHubOfOurAssemblies()
    {
        var ours = typeof(ArchitectureTests).Assembly.GetReferencedAssemblies()
            .Select(name => name.Name!)
            .Where(name => name.StartsWith("Pulse", StringComparison.Ordinal))
            .Order();

        // The hub's protocol (envelopes) and the library (MessageType, CloseCode) are below the core, which is allowed.
        Assert.Subset(new HashSet<string>(["Pulse", "Pulse.Hub", "Pulse.Hub.Protocol"]), ours.ToHashSet());
        Assert.Contains("Pulse.Hub", ours);
    }

    private static bool IsForbidden(Type type, string? member) =>
        type.Namespace is "System.Net" || type.Namespace?.StartsWith("System.Net.", StringComparison.Ordinal) == true
        || type == typeof(TimeProvider)
        || type == typeof(System.Threading.Timer) || type == typeof(System.Timers.Timer) || type == typeof(System.Diagnostics.Stopwatch)
        || (type == typeof(Task) && member == nameof(Task.Delay))
        || (type == typeof(Thread) && member == nameof(Thread.Sleep))
        || (type == typeof(DateTime) && member is "get_Now" or "get_UtcNow" or "get_Today")
        || (type == typeof(DateTimeOffset) && member is "get_Now" or "get_UtcNow")
        || (type == typeof(Environment) && member is "get_TickCount" or "get_TickCount64");
}
