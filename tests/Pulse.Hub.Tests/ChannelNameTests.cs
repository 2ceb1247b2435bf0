using Pulse.Hub.Protocol;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "Channel names: letters, digits and <c>:_-.</c>, at most 128 characters; the part before <c>:</c>
/// is a namespace with its own options".
/// </summary>
public sealed class ChannelNameTests
{
    [Theory]
    [InlineData("lobby")]
    [InlineData("chat:lobby")]
    [InlineData("a")]
    [InlineData("Room_1.v2-beta")]
    [InlineData("chat:room:42")]
    [InlineData(":leading")]
    public void Valid(string channel) => Assert.True(ChannelName.IsValid(channel));

    [Fact]
    public void Valid_128Characters() => Assert.True(ChannelName.IsValid(new string('x', 128)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("chat lobby")]
    [InlineData("chat/lobby")]
    [InlineData("chat*")]
    [InlineData("chät")]
    [InlineData("tab\there")]
    [InlineData("٣")]
    public void Invalid(string? channel) => Assert.False(ChannelName.IsValid(channel));

    [Fact]
    public void Invalid_129Characters() => Assert.False(ChannelName.IsValid(new string('x', 129)));

    [Theory]
    [InlineData("chat:lobby", "chat")]
    [InlineData("lobby", "")]
    [InlineData("a:b:c", "a")]
    [InlineData(":x", "")]
    public void Namespace_IsThePartBeforeTheFirstColon(string channel, string expected) =>
        Assert.Equal(expected, ChannelName.GetNamespace(channel));
}
