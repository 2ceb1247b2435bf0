using System.Text;
using BenchmarkDotNet.Attributes;
using Pulse.Protocol;

namespace Pulse.Benchmarks;

/// <summary>Incremental UTF-8 validation of text messages (RFC 6455 §8.1), ASCII and mixed scripts.</summary>
[MemoryDiagnoser]
public class Utf8Benchmarks
{
    private Utf8Validator _validator;
    private byte[] _ascii = [];
    private byte[] _mixed = [];

    [Params(32, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ascii = Encoding.UTF8.GetBytes(new string('a', Size));
        var mixed = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(mixed.ToString()) < Size)
        {
            mixed.Append("héllo wörld – ünïcode ✓ 日本 ");
        }

        _mixed = Encoding.UTF8.GetBytes(mixed.ToString())[..Size];
        // Cut at a character boundary so the chunk is complete UTF-8.
        while ((_mixed[^1] & 0xC0) == 0x80 || _mixed[^1] >= 0xC0)
        {
            _mixed = _mixed[..^1];
        }
    }

    [Benchmark(Baseline = true)]
    public bool Ascii()
    {
        _validator.Reset();
        return _validator.TryAppend(_ascii);
    }

    [Benchmark]
    public bool Mixed()
    {
        _validator.Reset();
        return _validator.TryAppend(_mixed);
    }
}
