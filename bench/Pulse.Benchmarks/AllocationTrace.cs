using System.Globalization;
using Microsoft.Diagnostics.Tracing;

namespace Pulse.Benchmarks;

/// <summary>
/// Reads an EventPipe trace with the runtime's GC events at verbose level and prints which types were allocated,
/// by the sampled bytes (an AllocationTick event about every 100 KB): an allocation profile of any .NET process,
/// with no tool installed. Record one with:
/// <c>DOTNET_EnableEventPipe=1 DOTNET_EventPipeOutputPath=trace.nettrace DOTNET_EventPipeConfig=Microsoft-Windows-DotNETRuntime:0x1:5 dotnet app.dll</c>.
/// </summary>
internal static class AllocationTrace
{
    public static int Print(string path, int top)
    {
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var source = new EventPipeEventSource(path))
        {
            source.Clr.GCAllocationTick += tick =>
            {
                var name = tick.TypeName ?? "?";
                bytes[name] = bytes.GetValueOrDefault(name) + tick.AllocationAmount64;
            };
            source.Process();
        }

        var total = bytes.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total / 1024.0 / 1024.0:N1} MiB sampled in all"));
        foreach (var (name, amount) in bytes.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * amount / total,6:F1} %  {amount / 1024.0,12:N0} KiB  {name}"));
        }

        return 0;
    }
}
