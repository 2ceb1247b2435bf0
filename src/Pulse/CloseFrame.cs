namespace Pulse;

/// <summary>The status code and reason of a close frame, sent or received (RFC 6455 §5.5.1).</summary>
/// <param name="Code">The status code; <see cref="CloseCode.NoStatusReceived"/> when the frame had no body.</param>
/// <param name="Reason">The reason, UTF-8 decoded; empty when there was none.</param>
public readonly record struct CloseFrame(CloseCode Code, string Reason)
{
    /// <summary>Reads like websockets: <c>1001 (going away) shutting down</c>.</summary>
    public override string ToString()
    {
        var text = $"{(int)Code} ({CloseCodes.Describe(Code)})";
        return Reason.Length == 0 ? text : $"{text} {Reason}";
    }
}
