using Pulse.Cli.Bench;

namespace Pulse.Cli.Tests.Bench;

/// <summary>
/// <c>pulse bench idle --extensions</c>: the offer is sent as given and the server's answer is checked against it
/// (RFC 7692 §7.1), as a browser's own negotiation would.
/// </summary>
public sealed class DeflateOfferTests
{
    [Theory]
    [InlineData("permessage-deflate", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12", 15)]
    [InlineData("permessage-deflate; client_max_window_bits", "permessage-deflate; client_no_context_takeover; client_max_window_bits=12", 12)]
    [InlineData("permessage-deflate; client_max_window_bits=10", "permessage-deflate", 10)]
    public void Accept_AnAnswerTheOfferAllows_GivesTheClientsWindow(string offer, string answer, int clientBits)
    {
        var agreed = DeflateOffer.Parse(offer).Accept(answer);

        Assert.NotNull(agreed);
        Assert.Equal(clientBits, agreed.ClientMaxWindowBits);
    }

    [Fact]
    public void Accept_Declined_IsUncompressed() => Assert.Null(DeflateOffer.Parse("permessage-deflate").Accept(null));

    [Theory]
    [InlineData("permessage-deflate", "permessage-deflate; client_max_window_bits=12", "was not offered (RFC 7692 §7.1.2.2)")]
    [InlineData("permessage-deflate; server_no_context_takeover", "permessage-deflate", "did not accept server_no_context_takeover")]
    [InlineData("permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=12", "more than the 10 offered")]
    [InlineData("permessage-deflate", "permessage-deflate; x=1", "unknown parameter x")]
    [InlineData("permessage-deflate", "permessage-deflate, permessage-deflate", "more than one extension")]
    public void Accept_AnAnswerOutsideTheOffer_FailsSayingWhy(string offer, string answer, string expected)
    {
        var error = Assert.Throws<IOException>(() => DeflateOffer.Parse(offer).Accept(answer));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
