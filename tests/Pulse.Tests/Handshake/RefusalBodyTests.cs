using System.Buffers;
using System.Text;
using Pulse.Protocol;
using static Pulse.Tests.Handshake.Sequences;

namespace Pulse.Tests.Handshake;

/// <summary>RFC 9112 §6.3 and §7.1: the body of a refused upgrade, read as its framing says, never past what is wanted.</summary>
public class RefusalBodyTests
{
    private static HandshakeResponse Response(int status, params (string Name, string Value)[] fields)
    {
        var headers = new HeaderFields();
        foreach (var (name, value) in fields)
        {
            headers.Add(name, value);
        }

        return new HandshakeResponse(status, "Refused", headers);
    }

    private static readonly HandshakeResponse s_chunked = Response(401, ("Transfer-Encoding", "chunked"));

    private static (bool Done, string Body) Decode(ReadOnlySequence<byte> received, HandshakeResponse response)
    {
        var done = RefusalBody.TryDecode(received, response, out var body);
        return (done, Encoding.UTF8.GetString(body));
    }

    private static (bool Done, string Body) Decode(string received, HandshakeResponse response) =>
        Decode(new ReadOnlySequence<byte>(Latin1(received)), response);

    [Fact]
    public void Chunked_OneChunkAndTheLastChunk_IsTheChunksData()
    {
        // What ASP.NET Core sends for a refusal written without a Content-Length: "1d" is its size, not its text.
        Assert.Equal((true, "Unauthorized: invalid token.\n"), Decode("1d\r\nUnauthorized: invalid token.\n\r\n0\r\n\r\n", s_chunked));
    }

    [Fact]
    public void Chunked_SeveralChunksWithExtensionsAndTrailers_JoinsTheirData()
    {
        var received = "f;name=value\r\nUnauthorized: i\r\nE\r\nnvalid token.\n\r\n000;last\r\nTrailer: x\r\n\r\n";

        Assert.Equal((true, "Unauthorized: invalid token.\n"), Decode(received, s_chunked));
    }

    [Fact]
    public void Chunked_ArrivingByteByByte_WantsMoreUntilTheLastChunk()
    {
        var whole = "1d\r\nUnauthorized: invalid token.\n\r\n0\r\n";
        for (var length = 0; length < whole.Length; length++)
        {
            var (done, _) = Decode(Bytewise(Latin1(whole[..length])), s_chunked);
            Assert.False(done, $"done after {length} of {whole.Length} bytes");
        }

        Assert.Equal((true, "Unauthorized: invalid token.\n"), Decode(Bytewise(Latin1(whole)), s_chunked));
    }

    [Fact]
    public void Chunked_PartOfAChunk_KeepsWhatCame()
    {
        Assert.Equal((false, "Unauth"), Decode("1d\r\nUnauth", s_chunked));
    }

    [Theory]
    [InlineData("zz\r\nbody\r\n0\r\n\r\n", "")]
    [InlineData("4\r\nbody\r\n-1\r\nmore\r\n", "body")]
    [InlineData("4\r\nbody\r\n\r\n", "body")]
    public void Chunked_BrokenFraming_StopsWithWhatCameBefore(string received, string expected)
    {
        Assert.Equal((true, expected), Decode(received, s_chunked));
    }

    [Fact]
    public void Chunked_AfterAnotherCoding_IsTheFinalCoding()
    {
        var response = Response(401, ("Transfer-Encoding", "gzip"), ("Transfer-Encoding", "Chunked"));

        Assert.Equal((true, "ok"), Decode("2\r\nok\r\n0\r\n\r\n", response));
    }

    [Fact]
    public void Chunked_LongerThanTheLimit_StopsAtTheLimit()
    {
        var data = new string('a', RefusalBody.Limit + 100);
        var received = $"{data.Length:x}\r\n{data}\r\n0\r\n\r\n";

        var (done, body) = Decode(received, s_chunked);

        Assert.True(done);
        Assert.Equal(RefusalBody.Limit, body.Length);
    }

    [Fact]
    public void ContentLength_ReadsThatManyBytes_AndNoMore()
    {
        var response = Response(403, ("Content-Length", "5"));

        Assert.Equal((false, "Forb"), Decode("Forb", response));
        Assert.Equal((true, "Forbi"), Decode("Forbidden", response));
    }

    [Fact]
    public void NeitherFraming_RunsUntilTheConnectionCloses_OrTheLimit()
    {
        var response = Response(500);

        Assert.Equal((false, "down for maintenance"), Decode("down for maintenance", response));
        Assert.True(Decode(new string('x', RefusalBody.Limit), response).Done);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    public void NoContentOrNotModified_HasNoBody(int status)
    {
        Assert.Equal((true, ""), Decode("ignored", Response(status, ("Content-Length", "7"))));
    }
}
