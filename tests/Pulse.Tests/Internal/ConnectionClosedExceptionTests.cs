namespace Pulse.Tests.Internal;

/// <summary>A close is OK when close frames went both ways with 1000, 1001 or no status (websockets' rule); messages read like websockets'.</summary>
public sealed class ConnectionClosedExceptionTests
{
    private static readonly CloseFrame s_normal = new(CloseCode.NormalClosure, "");
    private static readonly CloseFrame s_goingAway = new(CloseCode.GoingAway, "bye");
    private static readonly CloseFrame s_error = new(CloseCode.ProtocolError, "bad frame");

    public static TheoryData<string, CloseFrame?, CloseFrame?, bool> Cases => new()
    {
        { "both normal", s_normal, s_normal, true },
        { "going away echoed", s_goingAway, s_goingAway, true },
        { "no status both ways", new CloseFrame(CloseCode.NoStatusReceived, ""), new CloseFrame(CloseCode.NoStatusReceived, ""), true },
        { "received error", s_error, s_error, false },
        { "sent error", s_normal, s_error, false },
        { "only received", s_normal, null, false },
        { "only sent", null, s_normal, false },
        { "nothing", null, null, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Create_ClassifiesOkOrError(string name, CloseFrame? received, CloseFrame? sent, bool ok)
    {
        _ = name;
        var exception = ConnectionClosedException.Create(received, sent, receivedThenSent: received is not null && sent is not null);

        Assert.Equal(ok, exception is ConnectionClosedOkException);
        Assert.Equal(!ok, exception is ConnectionClosedErrorException);
    }

    [Fact]
    public void Message_ReadsLikeWebsockets()
    {
        var exception = ConnectionClosedException.Create(s_goingAway, s_goingAway, receivedThenSent: true);

        Assert.Equal("received 1001 (going away) bye; then sent 1001 (going away) bye", exception.Message);
        Assert.Equal(CloseCode.GoingAway, exception.Code);
    }

    [Fact]
    public void Code_WithoutAnyCloseFrame_IsAbnormalClosure() =>
        Assert.Equal(CloseCode.AbnormalClosure, ConnectionClosedException.Create(null, null, null).Code);

    [Theory]
    [InlineData(999, false)]
    [InlineData(1000, true)]
    [InlineData(1004, false)]
    [InlineData(1005, false)]
    [InlineData(1006, false)]
    [InlineData(1011, true)]
    [InlineData(1014, true)]
    [InlineData(1015, false)]
    [InlineData(2999, false)]
    [InlineData(3000, true)]
    [InlineData(4999, true)]
    [InlineData(5000, false)]
    public void IsValidOnWire_FollowsRfc6455Section7_4(int code, bool valid) => Assert.Equal(valid, CloseCodes.IsValidOnWire(code));
}
