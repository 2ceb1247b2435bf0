namespace Pulse;

/// <summary>
/// The connection is closed: raised by receive and send calls on a closed connection. Catch
/// <see cref="ConnectionClosedOkException"/> or <see cref="ConnectionClosedErrorException"/> to tell a normal
/// end from a failure, as websockets' <c>ConnectionClosedOK</c> and <c>ConnectionClosedError</c>.
/// </summary>
public class ConnectionClosedException : IOException
{
    /// <summary>Creates the exception from what was exchanged in the closing handshake.</summary>
    public ConnectionClosedException(CloseFrame? received, CloseFrame? sent, bool? receivedThenSent, Exception? innerException = null)
        : base(Describe(received, sent, receivedThenSent), innerException)
    {
        Received = received;
        Sent = sent;
        ReceivedThenSent = receivedThenSent;
    }

    /// <summary>The close frame received from the peer, or null if none arrived.</summary>
    public CloseFrame? Received { get; }

    /// <summary>The close frame sent to the peer, or null if none was sent.</summary>
    public CloseFrame? Sent { get; }

    /// <summary>When close frames went both ways: true if the peer's came first; otherwise null.</summary>
    public bool? ReceivedThenSent { get; }

    /// <summary>
    /// The code that best says why the connection closed: the received one, else the sent one, else
    /// <see cref="CloseCode.AbnormalClosure"/> (no close frame at all).
    /// </summary>
    public CloseCode Code => Received?.Code ?? Sent?.Code ?? CloseCode.AbnormalClosure;

    /// <summary>Creates the right kind (OK or error) for the frames exchanged.</summary>
    public static ConnectionClosedException Create(CloseFrame? received, CloseFrame? sent, bool? receivedThenSent, Exception? innerException = null) =>
        IsOk(received, sent)
            ? new ConnectionClosedOkException(received, sent, receivedThenSent, innerException)
            : new ConnectionClosedErrorException(received, sent, receivedThenSent, innerException);

    /// <summary>
    /// Whether a close is a normal end: close frames went both ways and both carry 1000, 1001 or no status
    /// (websockets' rule). A closing handshake that never finished is an error.
    /// </summary>
    public static bool IsOk(CloseFrame? received, CloseFrame? sent) =>
        received is { } r && CloseCodes.IsOk(r.Code) && sent is { } s && CloseCodes.IsOk(s.Code);

    private static string Describe(CloseFrame? received, CloseFrame? sent, bool? receivedThenSent) =>
        (received, sent) switch
        {
            (null, null) => "no close frame received or sent",
            ({ } r, null) => $"received {r}; then sent nothing",
            (null, { } s) => $"sent {s}; no close frame received",
            ({ } r, { } s) => receivedThenSent == true ? $"received {r}; then sent {s}" : $"sent {s}; then received {r}",
        };
}
