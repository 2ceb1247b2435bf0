namespace Pulse.Hub.Protocol;

/// <summary>Why an envelope could not be read: becomes an <c>error</c> envelope, never an exception.</summary>
/// <param name="Code">The error code.</param>
/// <param name="Message">One sentence for humans.</param>
/// <param name="Id">The request id, when the envelope got far enough to have one.</param>
public sealed record ProtocolError(ErrorCode Code, string Message, string? Id = null);
