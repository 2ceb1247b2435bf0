using BenchmarkDotNet.Running;
using Pulse.Benchmarks;

// `allocations PORT [SECONDS]` runs the allocation probe (a live echo and broadcast server, see AllocationProbe);
// `trace FILE` prints an allocation profile; anything else goes to BenchmarkDotNet, e.g. `--filter '*'` or `--filter '*Masking*' --job short`.
if (args is ["allocations", ..])
{
    return await AllocationProbe.RunAsync(args[1..]);
}

// `trace FILE.nettrace [TOP]` prints the allocation profile of a trace recorded with the runtime's GC events (AllocationTrace).
if (args is ["trace", var path, ..])
{
    return AllocationTrace.Print(path, top: args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 30);
}

BenchmarkSwitcher.FromAssembly(typeof(MaskingBenchmarks).Assembly).Run(args);
return 0;
