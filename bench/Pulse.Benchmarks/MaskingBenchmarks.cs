using BenchmarkDotNet.Attributes;
using Pulse.Protocol;

namespace Pulse.Benchmarks;

/// <summary>RFC 6455 §5.3 masking: XOR of the payload with a 4-byte key, applied in place.</summary>
[MemoryDiagnoser]
public class MaskingBenchmarks
{
    private byte[] _data = [];

    [Params(32, 1024, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup() => _data = new byte[Size];

    [Benchmark]
    public int Apply() => Masking.Apply(_data, 0x5AC3179E, 0);
}
