using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pulse.Testing;

/// <summary>
/// A WebSocket peer over a bare socket, for the cases a well-behaved client cannot produce: arbitrary frames,
/// bad bits, split writes, unfinished handshakes. Its framing is written here independently of Pulse's, so a
/// test does not use the code under test to check itself.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawWebSocket(Stream stream) => _stream = stream;

    /// <summary>The handshake response head, once <see cref="OpenAsync"/> ran.</summary>
    public RawHttpResponse? Handshake { get; private set; }

    /// <summary>
    /// Opens a TCP connection and sends nothing; <paramref name="from"/> picks the source address (127.0.0.2, …), and
    /// <paramref name="tlsTrusting"/> speaks TLS to a server that must present exactly that certificate.
    /// </summary>
    public static async Task<RawWebSocket> ConnectTcpAsync(int port, IPAddress? address = null, IPAddress? from = null, X509Certificate2? tlsTrusting = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        await socket.ConnectAsync(address ?? IPAddress.Loopback, port).DefaultTimeout();
        var stream = new NetworkStream(socket, ownsSocket: true);
        if (tlsTrusting is null)
        {
            return new RawWebSocket(stream);
        }

        var tls = new SslStream(stream, false, (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == tlsTrusting.Thumbprint);
        await tls.AuthenticateAsClientAsync("localhost").DefaultTimeout();
        return new RawWebSocket(tls);
    }

    /// <summary>
    /// Connects from <paramref name="from"/> and sends a correct opening handshake for <paramref name="path"/>, returning
    /// the socket and whatever status the server answered (101 or a refusal).
    /// </summary>
    public static Task<(RawWebSocket Socket, RawHttpResponse Response)> TryOpenAsync(int port, string path, IPAddress? from, params string[] extraHeaders) =>
        TryOpenAsync(port, path, from, null, extraHeaders);

    /// <summary>As <see cref="TryOpenAsync(int, string, IPAddress?, string[])"/>, over TLS when <paramref name="tlsTrusting"/> is given.</summary>
    public static async Task<(RawWebSocket Socket, RawHttpResponse Response)> TryOpenAsync(int port, string path, IPAddress? from, X509Certificate2? tlsTrusting, params string[] extraHeaders)
    {
        var ws = await ConnectTcpAsync(port, from: from, tlsTrusting: tlsTrusting);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await ws.SendRawAsync(Encoding.ASCII.GetBytes(BuildRequest(port, path, key, extraHeaders)));
        var response = await ws.ReadResponseAsync();
        if (response.StatusCode == 101)
        {
            ws.Handshake = response;
        }

        return (ws, response);
    }

    /// <summary>
    /// Accepts one TCP connection on <paramref name="listener"/>: the server end of a raw peer, for testing a
    /// client against frames and handshake answers no correct server sends. Its frames are unmasked by default.
    /// </summary>
    public static async Task<RawWebSocket> AcceptAsync(TcpListener listener)
    {
        var socket = await listener.AcceptSocketAsync().DefaultTimeout();
        socket.NoDelay = true;
        return new RawWebSocket(new NetworkStream(socket, ownsSocket: true));
    }

    /// <summary>Reads an HTTP request head (an opening handshake): its request line and headers.</summary>
    public async Task<RawHttpRequest> ReadRequestAsync()
    {
        var lines = await ReadHeadLinesAsync();
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return new RawHttpRequest(lines[0], headers);
    }

    /// <summary>Connects and completes a correct opening handshake for <paramref name="path"/>; throws unless the answer is 101.</summary>
    public static async Task<RawWebSocket> OpenAsync(int port, string path = "/", params string[] extraHeaders)
    {
        var ws = await ConnectTcpAsync(port);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await ws.SendRawAsync(Encoding.ASCII.GetBytes(BuildRequest(port, path, key, extraHeaders)));
        var response = await ws.ReadResponseAsync();
        if (response.StatusCode != 101)
        {
            throw new InvalidOperationException($"expected 101, got {response.StatusCode}: {response.Body}");
        }

        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        if (response.Header("Sec-WebSocket-Accept") != expected)
        {
            throw new InvalidOperationException("wrong Sec-WebSocket-Accept");
        }

        ws.Handshake = response;
        return ws;
    }

    public static string BuildRequest(int port, string path, string key, params string[] extraHeaders)
    {
        var request = new StringBuilder();
        request.Append($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
        request.Append($"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n");
        foreach (var header in extraHeaders)
        {
            request.Append(header).Append("\r\n");
        }

        return request.Append("\r\n").ToString();
    }

    public Task SendRawAsync(ReadOnlyMemory<byte> bytes) => _stream.WriteAsync(bytes).AsTask().DefaultTimeout();

    public Task SendRawAsync(string ascii) => SendRawAsync(Encoding.ASCII.GetBytes(ascii));

    /// <summary>Writes <paramref name="bytes"/> in writes of at most <paramref name="chunkSize"/> bytes (1: byte by byte), each its own TCP segment.</summary>
    public async Task SendRawInChunksAsync(ReadOnlyMemory<byte> bytes, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            await SendRawAsync(bytes.Slice(offset, Math.Min(chunkSize, bytes.Length - offset)));
        }
    }

    /// <summary>Builds a frame with any bits a test wants; clients mask by default, as RFC 6455 §5.3 requires.</summary>
    public static byte[] BuildFrame(int opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = true, int rsv = 0, byte[]? maskKey = null)
    {
        var length = payload.Length;
        var headerLength = 2 + (length < 126 ? 0 : length <= ushort.MaxValue ? 2 : 8) + (mask ? 4 : 0);
        var frame = new byte[headerLength + length];
        frame[0] = (byte)((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xF));
        var offset = 2;
        if (length < 126)
        {
            frame[1] = (byte)length;
        }
        else if (length <= ushort.MaxValue)
        {
            frame[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)length);
            offset = 4;
        }
        else
        {
            frame[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)length);
            offset = 10;
        }

        if (mask)
        {
            frame[1] |= 0x80;
            var key = maskKey ?? RandomNumberGenerator.GetBytes(4);
            key.CopyTo(frame, offset);
            offset += 4;
            for (var i = 0; i < length; i++)
            {
                frame[offset + i] = (byte)(payload[i] ^ key[i & 3]);
            }
        }
        else
        {
            payload.CopyTo(frame.AsSpan(offset));
        }

        return frame;
    }

    public static byte[] ClosePayload(int code, string reason = "")
    {
        var reasonBytes = Encoding.UTF8.GetBytes(reason);
        var payload = new byte[2 + reasonBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        reasonBytes.CopyTo(payload, 2);
        return payload;
    }

    public Task SendFrameAsync(int opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = true, int rsv = 0) =>
        SendRawAsync(BuildFrame(opcode, payload, fin, mask, rsv));

    public Task SendTextAsync(string text) => SendFrameAsync(RawFrame.Text, Encoding.UTF8.GetBytes(text));

    public Task SendCloseAsync(int code, string reason = "") => SendFrameAsync(RawFrame.Close, ClosePayload(code, reason));

    /// <summary>Reads the next frame; throws <see cref="EndOfStreamException"/> when the peer closed TCP first.</summary>
    public async Task<RawFrame> ReceiveFrameAsync()
    {
        var head = await ReadExactAsync(2);
        var fin = (head[0] & 0x80) != 0;
        var rsv = (head[0] >> 4) & 7;
        var opcode = head[0] & 0xF;
        var masked = (head[1] & 0x80) != 0;
        long length = head[1] & 0x7F;
        if (length == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactAsync(2));
        }
        else if (length == 127)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactAsync(8));
        }

        var key = masked ? await ReadExactAsync(4) : null;
        var payload = await ReadExactAsync(checked((int)length));
        if (key is not null)
        {
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= key[i & 3];
            }
        }

        return new RawFrame(fin, rsv, opcode, masked, payload);
    }

    /// <summary>
    /// Reads one whole data message: a text or binary frame and its continuations up to FIN, payloads joined.
    /// Throws <see cref="InvalidDataException"/> when anything else arrives first or in between (a control frame,
    /// a stray continuation, a new message before FIN); callers that expect a pong read it first.
    /// </summary>
    public async Task<RawMessage> ReceiveMessageAsync()
    {
        var first = await ReceiveFrameAsync();
        if (first.Opcode is not (RawFrame.Text or RawFrame.Binary))
        {
            throw new InvalidDataException($"expected a text or binary frame, got {first}");
        }

        var frames = new List<RawFrame> { first };
        var last = first;
        while (!last.Fin)
        {
            last = await ReceiveFrameAsync();
            if (last.Opcode != RawFrame.Continuation)
            {
                throw new InvalidDataException($"expected a continuation frame of a {first.Opcode} message, got {last}");
            }

            frames.Add(last);
        }

        var payload = new byte[frames.Sum(f => f.Payload.Length)];
        var offset = 0;
        foreach (var frame in frames)
        {
            frame.Payload.CopyTo(payload, offset);
            offset += frame.Payload.Length;
        }

        return new RawMessage(first.Opcode, payload, frames);
    }

    /// <summary>Reads frames until a close frame, skipping others (pings, data in flight).</summary>
    public async Task<RawFrame> ReceiveCloseAsync()
    {
        while (true)
        {
            var frame = await ReceiveFrameAsync();
            if (frame.IsClose)
            {
                return frame;
            }
        }
    }

    /// <summary>Whether the peer closes TCP (end of stream or reset) within the deadline, discarding bytes meanwhile.</summary>
    public async Task<bool> WaitForTcpCloseAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(_buffer, deadline.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Reads an HTTP response head and, when it has a Content-Length, its body.</summary>
    public async Task<RawHttpResponse> ReadResponseAsync()
    {
        var lines = await ReadHeadLinesAsync();
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = "";
        if (headers.TryGetValue("Content-Length", out var length) && int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) is > 0 and var n)
        {
            body = Encoding.UTF8.GetString(await ReadExactAsync(n));
        }

        return new RawHttpResponse(status, headers, body);
    }

    private async Task<string[]> ReadHeadLinesAsync()
    {
        var head = new StringBuilder();
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            head.Append((char)(await ReadExactAsync(1))[0]);
        }

        return head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    private async Task<byte[]> ReadExactAsync(int count)
    {
        var result = new byte[count];
        var filled = 0;
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (filled < count)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await _stream.ReadAsync(_buffer, deadline.Token);
                if (_end == 0)
                {
                    throw new EndOfStreamException($"the peer closed the connection ({filled} of {count} bytes read)");
                }
            }

            var take = Math.Min(count - filled, _end - _start);
            _buffer.AsSpan(_start, take).CopyTo(result.AsSpan(filled));
            _start += take;
            filled += take;
        }

        return result;
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}

/// <summary>An HTTP request head as a raw server peer read it.</summary>
public sealed record RawHttpRequest(string RequestLine, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>An HTTP response as a raw peer read it.</summary>
public sealed record RawHttpResponse(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
