using Pulse.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>RFC 6455 §9.1: "extension-list = 1#extension; extension = extension-token *( ";" extension-param ); extension-param = token [ "=" (token | quoted-string) ]".</summary>
public class ExtensionOfferTests
{
    [Theory]
    [InlineData("permessage-deflate", "permessage-deflate")]
    [InlineData("permessage-deflate; client_max_window_bits", "permessage-deflate; client_max_window_bits")]
    [InlineData("permessage-deflate; client_max_window_bits=\"10\"", "permessage-deflate; client_max_window_bits=10")]
    [InlineData("permessage-deflate;client_max_window_bits = 10 ;\tserver_no_context_takeover", "permessage-deflate; client_max_window_bits=10; server_no_context_takeover")]
    [InlineData("a; x=\"\\1\\5\"", "a; x=15")]
    [InlineData("a, b; x=1, c", "a, b; x=1, c")]
    [InlineData("a,b", "a, b")]
    [InlineData("a, , b", "a, b")]
    [InlineData(" , a ,", "a")]
    [InlineData("", "")]
    [InlineData("  ", "")]
    public void TryParse_Valid_FormatsCanonically(string header, string formatted)
    {
        Assert.True(ExtensionOffer.TryParse([header], out var offers, out var error));
        Assert.Null(error);
        Assert.Equal(formatted, ExtensionOffer.Format(offers));
    }

    [Fact]
    public void TryParse_PermessageDeflateOffer_NamesAndParameters()
    {
        Assert.True(ExtensionOffer.TryParse(["permessage-deflate; client_max_window_bits; server_max_window_bits=\"10\""], out var offers, out _));

        var offer = Assert.Single(offers);
        Assert.Equal("permessage-deflate", offer.Name);
        Assert.Equal(
            [new("client_max_window_bits", null), new("server_max_window_bits", "10")],
            offer.Parameters);
    }

    [Fact]
    public void TryParse_SeveralHeaderValues_AllOffersInOrder()
    {
        Assert.True(ExtensionOffer.TryParse(["permessage-deflate; client_max_window_bits", "x-foo, permessage-deflate"], out var offers, out _));

        Assert.Equal(["permessage-deflate", "x-foo", "permessage-deflate"], offers.Select(o => o.Name));
    }

    [Fact]
    public void TryParse_NoHeaderValues_NoOffers()
    {
        Assert.True(ExtensionOffer.TryParse([], out var offers, out var error));
        Assert.Empty(offers);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("a;;b", "expected a parameter name after ';' in the a extension")]
    [InlineData("a;", "expected a parameter name after ';' in the a extension")]
    [InlineData("=x", "expected an extension name")]
    [InlineData(";x", "expected an extension name")]
    [InlineData("a, ;b", "expected an extension name")]
    [InlineData("a; =1", "expected a parameter name after ';' in the a extension")]
    [InlineData("a; x=", "expected a value after '=' for x in the a extension")]
    [InlineData("a; x=@", "expected a value after '=' for x in the a extension")]
    [InlineData("a; x=\"1 0\"", "the quoted value for x in the a extension is not a token")]
    [InlineData("a; x=\"\"", "the quoted value for x in the a extension is not a token")]
    [InlineData("a; x=\"10", "unterminated quoted value for x in the a extension")]
    [InlineData("a; x=\"10\\", "unterminated quoted value for x in the a extension")]
    [InlineData("a b", "expected ',' or ';' after the a extension")]
    [InlineData("a; x=1 2", "expected ',' or ';' after the a extension")]
    [InlineData("a\"b\"", "expected ',' or ';' after the a extension")]
    [InlineData("a; x=1=2", "expected ',' or ';' after the a extension")]
    public void TryParse_Malformed_FalseWithReason(string header, string expectedError)
    {
        Assert.False(ExtensionOffer.TryParse(["ok", header], out var offers, out var error));
        Assert.Empty(offers);
        Assert.Equal(expectedError, error);
    }

    [Fact]
    public void Format_SeveralOffers_CommaSeparated()
    {
        ExtensionOffer[] offers =
        [
            new("permessage-deflate", [new("client_max_window_bits", "10"), new("server_no_context_takeover", null)]),
            new("permessage-deflate", []),
        ];

        Assert.Equal("permessage-deflate; client_max_window_bits=10; server_no_context_takeover, permessage-deflate", ExtensionOffer.Format(offers));
    }

    [Theory]
    [InlineData("a b", "x", "1")]
    [InlineData("a", "x y", "1")]
    [InlineData("a", "x", "1 0")]
    [InlineData("a", "x", "\"10\"")]
    [InlineData("", "x", null)]
    public void Format_NotTokens_Throws(string name, string parameter, string? value)
    {
        Assert.Throws<ArgumentException>(() => ExtensionOffer.Format([new ExtensionOffer(name, [new(parameter, value)])]));
    }
}
