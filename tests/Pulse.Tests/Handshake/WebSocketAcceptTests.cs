using Pulse.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>RFC 6455 §4.2.2 item 5.4: the server proves it read the key by answering base64(SHA-1(key + GUID)); the key is 16 random bytes in base64 (§4.1).</summary>
public class WebSocketAcceptTests
{
    [Fact]
    public void Compute_Rfc6455Example_MatchesSection1_3()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketAccept.Compute("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    [Fact]
    public void Compute_LongKey_DoesNotNeedAValidKey()
    {
        // Compute is the bare formula; checking the key is IsValidKey's job.
        var key = new string('k', 1000);

        Assert.Equal(28, WebSocketAccept.Compute(key).Length);
        Assert.NotEqual(WebSocketAccept.Compute(key), WebSocketAccept.Compute(key + "k"));
    }

    [Fact]
    public void NewKey_Is16RandomBytesInBase64()
    {
        var first = WebSocketAccept.NewKey();
        var second = WebSocketAccept.NewKey();

        Assert.Equal(24, first.Length);
        Assert.Equal(16, Convert.FromBase64String(first).Length);
        Assert.True(WebSocketAccept.IsValidKey(first));
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ==", true)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==", true)]
    [InlineData("AAAAAAAAAAAAAAAAAAAA", false)]               // 15 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAA=", false)]           // 17 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA", false)]           // 18 bytes
    [InlineData("dGhlIHNhbXBsZSBub25jZQ", false)]             // no padding
    [InlineData(" dGhlIHNhbXBsZSBub25jZQ==", false)]          // whitespace that base64 decoders skip
    [InlineData("dGhlIHNhbXBs ZSBub25jZQ==", false)]
    [InlineData("dGhlIHNhbXBsZSBub25jZ!==", false)]           // not base64
    [InlineData("", false)]
    public void IsValidKey_DecodesToExactly16Bytes(string key, bool valid)
    {
        Assert.Equal(valid, WebSocketAccept.IsValidKey(key));
    }
}
