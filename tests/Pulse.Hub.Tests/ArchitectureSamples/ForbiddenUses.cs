using System.Net;

#pragma warning disable CA1822, IDE0051, CA1823, CS0169 // Samples exist to be scanned, not run.

namespace Pulse.Hub.Tests.ArchitectureSamples;

/// <summary>Samples for <see cref="ArchitectureTests"/>: each uses one thing the pure core must not.</summary>
internal sealed class UsesTaskDelay
{
    public Task WaitAsync() => Task.Delay(10);
}

internal sealed class UsesTimeProvider
{
    public long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
}

internal sealed class HoldsAnAddress
{
    private readonly IPAddress? _address;
}

internal sealed class ReadsTheClockInALambda
{
    public Func<long> Clock() => () => DateTime.UtcNow.Ticks;
}

internal sealed class ListsEndpoints
{
    public int Count(List<IPEndPoint> endpoints) => endpoints.Count;
}

internal sealed class Innocent
{
    public long Add(long a, long b) => a + b;
}
