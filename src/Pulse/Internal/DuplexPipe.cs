using System.IO.Pipelines;

namespace Pulse.Hosting;

/// <summary>A reader and a writer as one <see cref="IDuplexPipe"/>.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;

    /// <summary>Pipes over a stream (an upgraded HTTP request, a TLS stream, a client socket).</summary>
    public static DuplexPipe Over(Stream stream) =>
        new(PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)), PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
}
