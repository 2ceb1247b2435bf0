using System.Buffers;
using BenchmarkDotNet.Attributes;
using Pulse.Protocol;

namespace Pulse.Benchmarks;

/// <summary>
/// The frame writer (a server's unmasked frames) and the protocol's reader (a server reading 16 masked client
/// frames from one buffer, as one socket read brings them), per message.
/// </summary>
[MemoryDiagnoser]
public class FrameBenchmarks : IDisposable
{
    private const int FramesPerRead = 16;
    private static readonly byte[] s_maskKey = [0x5A, 0xC3, 0x17, 0x9E];

    private readonly ArrayBufferWriter<byte> _output = new(128 * 1024);
    private readonly ArrayBufferWriter<byte> _replies = new(1024);
    private byte[] _payload = [];
    private byte[] _clientFrames = [];
    private WebSocketProtocol _server = null!;

    [Params(32, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[Size];
        var frames = new ArrayBufferWriter<byte>();
        for (var i = 0; i < FramesPerRead; i++)
        {
            FrameWriter.WriteFrame(frames, Opcode.Binary, fin: true, _payload, s_maskKey);
        }

        _clientFrames = frames.WrittenSpan.ToArray();
        _server = new WebSocketProtocol(Role.Server);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _server?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public int WriteServerFrame()
    {
        _output.ResetWrittenCount();
        FrameWriter.WriteFrame(_output, Opcode.Binary, fin: true, _payload);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int WriteMessage()
    {
        _output.ResetWrittenCount();
        _server.WriteMessage(_output, MessageType.Binary, _payload);
        return _output.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = FramesPerRead)]
    public long ReadClientFrames()
    {
        // Unmasking works in place: reading the same bytes again unmasks them back, still valid binary frames.
        var input = new ReadOnlySequence<byte>(_clientFrames);
        var total = 0L;
        while (true)
        {
            var received = _server.Receive(ref input, _replies);
            if (received.Kind == ProtocolEventKind.None)
            {
                return total;
            }

            total += received.Payload.Length;
        }
    }
}
