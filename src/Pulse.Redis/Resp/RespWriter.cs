using System.Buffers;
using System.Buffers.Text;

namespace Pulse.Redis.Resp;

/// <summary>Writes commands as RESP arrays of bulk strings, the form every Redis accepts. Pure: no I/O.</summary>
public static class RespWriter
{
    /// <summary>Appends one command to <paramref name="output"/>.</summary>
    public static void WriteCommand(IBufferWriter<byte> output, ReadOnlySpan<RedisArg> arguments)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (arguments.IsEmpty)
        {
            throw new ArgumentException("a command needs at least its name", nameof(arguments));
        }

        WriteHeader(output, (byte)'*', arguments.Length);
        foreach (var argument in arguments)
        {
            var bytes = argument.Bytes.Span;
            WriteHeader(output, (byte)'$', bytes.Length);
            output.Write(bytes);
            output.Write("\r\n"u8);
        }
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte prefix, int length)
    {
        var span = output.GetSpan(16);
        span[0] = prefix;
        Utf8Formatter.TryFormat(length, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        output.Advance(3 + written);
    }
}
