using System.Buffers;
using System.Text;
using Pulse.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>RFC 6455 §4: "the client sends a handshake request, the server sends a handshake response"; both ends, through bytes, agree.</summary>
public class HandshakeRoundTripTests
{
    private static readonly byte[] s_firstFrame = [0x81, 0x02, 0x68, 0x69];

    [Fact]
    public void RoundTrip_ThroughBytes_AcceptedWithTheChosenSubprotocol()
    {
        var client = new ClientHandshake(
            new Uri("ws://example.com:8765/hub?room=lobby"),
            subprotocols: ["chat", "pulse.v1.json"],
            origin: "https://www.example.com",
            headers: [new("Authorization", "Bearer t0ken")]);
        var server = new ServerHandshake(new OriginPolicy(["https://example.com", "https://*.example.com"]), ["pulse.v1.json", "chat"]);

        var requestBytes = Write(output => HttpParser.WriteRequest(output, client.Request));
        var input = Sequences.Split(requestBytes, 7, requestBytes.Length / 2);
        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out var request, out _));
        Assert.True(input.IsEmpty);
        Assert.Equal("/hub", request!.Path);
        Assert.Equal("room=lobby", request.Query);
        Assert.Equal("example.com:8765", request.Headers["Host"]);
        Assert.Equal("Bearer t0ken", request.Headers["Authorization"]);

        var accepted = server.Accept(request);
        Assert.True(accepted.Accepted);
        Assert.Equal("pulse.v1.json", accepted.Subprotocol);

        byte[] responseBytes = [.. Write(output => HttpParser.WriteResponse(output, accepted.Response)), .. s_firstFrame];
        input = Sequences.Split(responseBytes, 3, responseBytes.Length - 5);
        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseResponse(ref input, out var response, out _));
        Assert.Equal(s_firstFrame, input.ToArray());

        var result = client.Validate(response!);
        Assert.True(result.Accepted, result.Error);
        Assert.Equal("pulse.v1.json", result.Subprotocol);
        Assert.Empty(result.Extensions);
    }

    [Fact]
    public void RoundTrip_Refusal_ClientSeesStatusAndTheBodyFollowsTheHead()
    {
        var client = new ClientHandshake(new Uri("wss://example.com/"), origin: "https://evil.example");
        var server = new ServerHandshake(new OriginPolicy(["https://example.com"]), []);

        var requestBytes = Write(output => HttpParser.WriteRequest(output, client.Request));
        var input = new ReadOnlySequence<byte>(requestBytes);
        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseRequest(ref input, out var request, out _));
        var refused = server.Accept(request!);

        input = new ReadOnlySequence<byte>(Write(output => HttpParser.WriteResponse(output, refused.Response)));
        Assert.Equal(HttpParseStatus.Complete, HttpParser.TryParseResponse(ref input, out var response, out _));

        Assert.Equal(403, response!.StatusCode);
        Assert.Equal(input.Length.ToString(), response.Headers["Content-Length"]);
        Assert.Equal("Failed to open a WebSocket connection: origin https://evil.example is not allowed.\n", Encoding.UTF8.GetString(input.ToArray()));
        Assert.Equal("server rejected WebSocket connection: HTTP 403", client.Validate(response).Error);
    }

    private static byte[] Write(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return output.WrittenSpan.ToArray();
    }
}
