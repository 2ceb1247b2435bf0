using System.Text;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Tests;

/// <summary>
/// Publication data is exactly one JSON value, UTF-8, nested at most <see cref="EnvelopeLimits.MaxDataDepth"/> deep:
/// one check for the codecs, the hub's server-side publish and the client's publish.
/// </summary>
public sealed class JsonDataTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData(" {\"a\":[1,2]} ", true)]
    [InlineData("\"text\"", true)]
    [InlineData("null", true)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("{\"a\":", false)]
    [InlineData("1 2", false)]
    [InlineData("{not json}", false)]
    public void IsValidValue_ExactlyOneJsonValue(string data, bool valid) =>
        Assert.Equal(valid, JsonData.IsValidValue(Encoding.UTF8.GetBytes(data)));

    [Fact]
    public void IsValidValue_NestedToTheLimit_Accepted_OneDeeper_Refused()
    {
        Assert.True(JsonData.IsValidValue(Nested(EnvelopeLimits.MaxDataDepth)));
        Assert.False(JsonData.IsValidValue(Nested(EnvelopeLimits.MaxDataDepth + 1)));
    }

    [Fact]
    public void IsValidValue_InvalidUtf8_Refused() =>
        Assert.False(JsonData.IsValidValue([(byte)'"', 0xC3, 0x28, (byte)'"']));

    [Fact]
    public void Requirement_NamesTheDepthLimit() =>
        Assert.Contains($"{EnvelopeLimits.MaxDataDepth} deep", JsonData.Requirement, StringComparison.Ordinal);

    internal static byte[] Nested(int depth) =>
        Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth));
}
