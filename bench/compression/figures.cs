#:project ../../src/Pulse/Pulse.csproj
#:property PublishAot=false

// The figures behind Pulse's permessage-deflate defaults (docs/topics/compression.md), measured at the protocol
// level (Pulse.Protocol.WebSocketProtocol, no sockets) so that only compression is counted:
//   memory per connection: native memory (glibc mallinfo2) and managed memory, for N connections that negotiated
//     compression, before any message and after one message each way;
//   ratio and CPU per message for a stream of JSON chat messages, compressed by a server and inflated by a client;
//   the cost of a broadcast to many connections, compressed once or once per recipient.
// Run: dotnet run -c Release bench/compression/figures.cs   (about 30 s on 2 cores, the build included)

using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Pulse;
using Pulse.Protocol;

const int Connections = 1000;
const int ChatMessages = 20_000;
const int BroadcastRounds = 200;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// ClientBits is the client's window, which the server's decompressor needs: an offer without client_max_window_bits
// (Firefox's) leaves it at 15.
var settings = new (string Name, int Bits, int ClientBits, int MemLevel, bool ServerNoContext, bool ClientNoContext)[]
{
    ("zlib defaults: 15 bits, memLevel 8, context takeover", 15, 15, 8, false, false),
    ("15 bits, memLevel 8, no context takeover", 15, 15, 8, true, true),
    ("websockets: 12 bits, memLevel 5, context takeover", 12, 12, 5, false, false),
    ("12 bits, memLevel 5, server_no_context_takeover only", 12, 12, 5, true, false),
    ("Pulse default: 12 bits, memLevel 5, no context takeover either way", 12, 12, 5, true, true),
    ("Firefox's offer, as Pulse answers it: client window 15 bits, server 12, no context takeover either way", 12, 15, 5, true, true),
    ("Firefox's offer with the client's context kept: client window 15 bits, server 12, server_no_context_takeover only", 12, 15, 5, true, false),
    ("seed docs: 11 bits, memLevel 4, context takeover", 11, 11, 4, false, false),
    ("9 bits, memLevel 1, context takeover", 9, 9, 1, false, false),
};

var chat = ChatStream(ChatMessages);

// Warm up: JIT and the first zlib allocations are not what a long-running server pays per message.
RatioAndCpu(new PerMessageDeflateParameters(true, true, 12, 12), new CompressionOptions { MinimumSize = 0 }, chat);
RatioAndCpu(new PerMessageDeflateParameters(false, false, 12, 12), new CompressionOptions { MinimumSize = 0 }, chat);
Console.WriteLine($"JSON chat messages: {chat.Length}, {chat.Average(m => m.Length):0} B on average, e.g. {Encoding.UTF8.GetString(chat[7])}");
Console.WriteLine();
Console.WriteLine("| setting | server memory per connection after a message (native + managed) | client memory per connection | ratio (compressed/raw) | server compress CPU µs/msg | client inflate CPU µs/msg |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (var (name, bits, clientBits, memLevel, serverNoContext, clientNoContext) in settings)
{
    var parameters = new PerMessageDeflateParameters(serverNoContext, clientNoContext, bits, clientBits);
    var options = new CompressionOptions { MemoryLevel = memLevel, MinimumSize = 0 };
    var (serverMemory, clientMemory) = MemoryPerConnection(parameters, options, chat[0]);
    // The machine is shared: the fastest of three runs is the one least disturbed.
    var runs = Enumerable.Range(0, 3).Select(_ => RatioAndCpu(parameters, options, chat)).ToArray();
    var (ratio, _, _) = runs[0];
    var compressMicros = runs.Min(r => r.CompressMicros);
    var inflateMicros = runs.Min(r => r.InflateMicros);
    Console.WriteLine($"| {name} | {Kib(serverMemory)} | {Kib(clientMemory)} | {ratio:0.000} | {compressMicros:0.00} | {inflateMicros:0.00} |");
}

Console.WriteLine();
Console.WriteLine("| message size | ratio, no context takeover (12 bits, memLevel 5) | ratio, context takeover (12 bits, memLevel 5) |");
Console.WriteLine("|---|---|---|");
foreach (var size in new[] { 32, 64, 128, 256, 512, 1024, 4096, 16384 })
{
    var sized = ChatStream(400, size);
    var alone = RatioAndCpu(new PerMessageDeflateParameters(true, true, 12, 12), new CompressionOptions { MinimumSize = 0 }, sized).Ratio;
    var shared = RatioAndCpu(new PerMessageDeflateParameters(false, false, 12, 12), new CompressionOptions { MinimumSize = 0 }, sized).Ratio;
    Console.WriteLine($"| {size} B | {alone:0.000} | {shared:0.000} |");
}

Console.WriteLine();
var idle = IdleMemoryPerConnection();
Console.WriteLine($"Memory per idle connection with compression negotiated, before its first compressed message: {idle.Native:0} B native, {idle.Managed:0} B managed (the protocol object and its codec).");

Console.WriteLine();
Console.WriteLine("| broadcast of one chat message to 1000 connections | CPU µs per broadcast | zlib compressions |");
Console.WriteLine("|---|---|---|");
Console.WriteLine($"| compressed once (server_no_context_takeover, the default) | {Broadcast(compressOnce: true, chat):0} | 1 |");
Console.WriteLine($"| compressed per recipient (context takeover) | {Broadcast(compressOnce: false, chat):0} | 1000 |");
Console.WriteLine($"| uncompressed | {BroadcastPlain(chat):0} | 0 |");
return;

static string Kib(long bytes) => $"{bytes / 1024.0:0.0} KiB";

// Chat envelopes as DESIGN.md's pulse.v1 "message", with varied users and text; with a size, a batch of them
// (one per line, as pulse.v1 allows) cut to that many bytes.
static byte[][] ChatStream(int count, int size = 0)
{
    if (size > 0)
    {
        var lines = ChatStream(count * (1 + (size / 150)));
        return [.. Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes(string.Join('\n', lines.Skip(i * (1 + (size / 150))).Take(1 + (size / 150)).Select(l => Encoding.UTF8.GetString(l))).PadRight(size)[..size]))];
    }

    var random = new Random(42);
    string[] words = ["hello", "anyone", "around", "tonight", "the", "deploy", "went", "fine", "thanks", "see", "you", "at", "standup", "lunch", "?", "great", "work", "on", "that", "release"];
    var messages = new byte[count][];
    for (var i = 0; i < count; i++)
    {
        var text = string.Join(' ', Enumerable.Range(0, random.Next(3, 15)).Select(_ => words[random.Next(words.Length)]));
        var json = $"{{\"type\":\"message\",\"id\":\"m{i}\",\"timestamp\":{1763700000123 + (i * 731)},\"payload\":{{\"channel\":\"chat:lobby\",\"offset\":{i + 1},\"epoch\":\"e7Hq2\",\"data\":{{\"user\":\"user{random.Next(200)}\",\"text\":\"{text}\"}}}}}}";
        messages[i] = Encoding.UTF8.GetBytes(json);
    }

    return messages;
}

static (long Server, long Client) MemoryPerConnection(PerMessageDeflateParameters parameters, CompressionOptions options, byte[] message)
{
    var servers = new WebSocketProtocol[Connections];
    var clients = new WebSocketProtocol[Connections];
    var scratch = new ArrayBufferWriter<byte>(4096);
    Settle();
    var native0 = Native();
    var managed0 = GC.GetTotalMemory(forceFullCollection: true);
    for (var i = 0; i < Connections; i++)
    {
        servers[i] = new WebSocketProtocol(Role.Server, 1024 * 1024, parameters, options);
        clients[i] = new WebSocketProtocol(Role.Client, 1024 * 1024, parameters, options);

        // One message each way: each end now holds what its settings keep between messages.
        Exchange(clients[i], servers[i], message, scratch);
        Exchange(servers[i], clients[i], message, scratch);
    }

    Settle();
    var total = (Native() - native0) + (GC.GetTotalMemory(forceFullCollection: true) - managed0);

    // Split the total by measuring the client side alone, then free everything.
    foreach (var server in servers)
    {
        server.Dispose();
    }

    Settle();
    var clientOnly = (Native() - native0) + (GC.GetTotalMemory(forceFullCollection: true) - managed0);
    foreach (var client in clients)
    {
        client.Dispose();
    }

    GC.KeepAlive(servers);
    GC.KeepAlive(clients);
    return ((total - clientOnly) / Connections, clientOnly / Connections);
}

static (double Native, double Managed) IdleMemoryPerConnection()
{
    var servers = new WebSocketProtocol[Connections];
    Settle();
    var native0 = Native();
    var managed0 = GC.GetTotalMemory(forceFullCollection: true);
    for (var i = 0; i < Connections; i++)
    {
        servers[i] = new WebSocketProtocol(Role.Server, 1024 * 1024, new PerMessageDeflateParameters(true, true, 12, 12));
    }

    Settle();
    var result = ((Native() - native0) / (double)Connections, (GC.GetTotalMemory(forceFullCollection: true) - managed0) / (double)Connections);
    GC.KeepAlive(servers);
    return result;
}

static void Exchange(WebSocketProtocol sender, WebSocketProtocol receiver, byte[] message, ArrayBufferWriter<byte> scratch)
{
    scratch.Clear();
    sender.WriteMessage(scratch, MessageType.Text, message);
    var input = new ReadOnlySequence<byte>(scratch.WrittenMemory.ToArray());
    var replies = new ArrayBufferWriter<byte>(16);
    while (receiver.Receive(ref input, replies) is { Kind: not ProtocolEventKind.None } e)
    {
        if (e.Kind == ProtocolEventKind.Error)
        {
            throw new InvalidOperationException($"receive failed: {e.Error}");
        }
    }
}

static (double Ratio, double CompressMicros, double InflateMicros) RatioAndCpu(PerMessageDeflateParameters parameters, CompressionOptions options, byte[][] chat)
{
    using var server = new WebSocketProtocol(Role.Server, 1024 * 1024, parameters, options);
    using var client = new WebSocketProtocol(Role.Client, 1024 * 1024, parameters, options);
    var frames = new byte[chat.Length][];
    var output = new ArrayBufferWriter<byte>(4096);
    long raw = 0, compressed = 0;
    // CPU time of this process, not wall time: the machine is shared, and a descheduled thread costs no CPU.
    var watch = CpuWatch.StartNew();
    for (var i = 0; i < chat.Length; i++)
    {
        output.Clear();
        server.WriteMessage(output, MessageType.Text, chat[i]);
        frames[i] = output.WrittenSpan.ToArray();
    }

    var compressTime = watch.Elapsed;
    for (var i = 0; i < chat.Length; i++)
    {
        raw += chat[i].Length;
        compressed += frames[i].Length - 2;
    }

    var replies = new ArrayBufferWriter<byte>(16);
    watch.Restart();
    foreach (var frame in frames)
    {
        var input = new ReadOnlySequence<byte>(frame);
        while (client.Receive(ref input, replies).Kind != ProtocolEventKind.None)
        {
        }
    }

    var inflateTime = watch.Elapsed;
    return (compressed / (double)raw, compressTime.TotalMicroseconds / chat.Length, inflateTime.TotalMicroseconds / chat.Length);
}

static double Broadcast(bool compressOnce, byte[][] chat)
{
    var parameters = new PerMessageDeflateParameters(compressOnce, false, 12, 12);
    var recipients = Enumerable.Range(0, Connections).Select(_ => new WebSocketProtocol(Role.Server, 1024 * 1024, parameters)).ToArray();
    var buffers = Enumerable.Range(0, Connections).Select(_ => new ArrayBufferWriter<byte>(64 * 1024)).ToArray();
    const int Rounds = BroadcastRounds;
    var watch = CpuWatch.StartNew();
    for (var round = 0; round < Rounds; round++)
    {
        var message = chat[round];
        if (compressOnce)
        {
            // What Broadcast does for recipients without context takeover: one compressed frame, copied to each.
            var frame = new ArrayBufferWriter<byte>(1024);
            recipients[0].WriteMessage(frame, MessageType.Text, message);
            for (var i = 0; i < Connections; i++)
            {
                buffers[i].Write(frame.WrittenSpan);
            }
        }
        else
        {
            for (var i = 0; i < Connections; i++)
            {
                recipients[i].WriteMessage(buffers[i], MessageType.Text, message);
            }
        }
    }

    var micros = watch.Elapsed.TotalMicroseconds / Rounds;
    foreach (var recipient in recipients)
    {
        recipient.Dispose();
    }

    return micros;
}

static double BroadcastPlain(byte[][] chat)
{
    var buffers = Enumerable.Range(0, Connections).Select(_ => new ArrayBufferWriter<byte>(64 * 1024)).ToArray();
    const int Rounds = BroadcastRounds;
    var watch = CpuWatch.StartNew();
    for (var round = 0; round < Rounds; round++)
    {
        var frame = new ArrayBufferWriter<byte>(1024);
        FrameWriter.WriteFrame(frame, Opcode.Text, fin: true, chat[round]);
        for (var i = 0; i < Connections; i++)
        {
            buffers[i].Write(frame.WrittenSpan);
        }
    }

    return watch.Elapsed.TotalMicroseconds / Rounds;
}

static void Settle()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
}

// Bytes handed out by glibc's malloc: in its arenas and in mmap'd blocks (zlib's larger windows).
static long Native()
{
    var info = Libc.mallinfo2();
    return (long)(info.Uordblks + info.Hblkhd);
}

internal sealed class CpuWatch
{
    private TimeSpan _start = Process.GetCurrentProcess().TotalProcessorTime;

    public TimeSpan Elapsed => Process.GetCurrentProcess().TotalProcessorTime - _start;

    public static CpuWatch StartNew() => new();

    public void Restart() => _start = Process.GetCurrentProcess().TotalProcessorTime;
}

internal static partial class Libc
{
    [DllImport("libc.so.6")]
    public static extern MallInfo2 mallinfo2();
}

[StructLayout(LayoutKind.Sequential)]
internal struct MallInfo2
{
    public nuint Arena;
    public nuint Ordblks;
    public nuint Smblks;
    public nuint Hblks;
    public nuint Hblkhd;
    public nuint Usmblks;
    public nuint Fsmblks;
    public nuint Uordblks;
    public nuint Fordblks;
    public nuint Keepcost;
}
