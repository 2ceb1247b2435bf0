using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Pulse.Hub.Protocol;

namespace Pulse.Benchmarks;

/// <summary>The hub's <c>pulse.v1.json</c> codec: reading a client's publish, writing the message each subscriber gets.</summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private static readonly byte[] s_publish = Encoding.UTF8.GetBytes(
        """{"type":"publish","id":"c42","payload":{"channel":"chat:lobby","data":{"text":"hello, this is a chat message of about a hundred bytes"}}}""");

    private readonly List<EnvelopeReadResult> _results = [];
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly Publication _publication = new(42, Encoding.UTF8.GetBytes("""{"text":"hello, this is a chat message of about a hundred bytes"}"""), "alice", 1763700000123);

    [Benchmark]
    public int ReadPublish()
    {
        _results.Clear();
        JsonEnvelopeCodec.Instance.Read(s_publish, _results);
        return _results.Count;
    }

    [Benchmark]
    public int WriteMessage()
    {
        _output.ResetWrittenCount();
        JsonEnvelopeCodec.Instance.WriteMessage(_output, "chat:lobby", "9f3a1c2b", _publication);
        return _output.WrittenCount;
    }
}
