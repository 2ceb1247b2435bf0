using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client;

/// <summary>
/// The hub answered a request with an <c>error</c>: <see cref="Code"/> says why (docs/reference/protocol.md,
/// "Errors"), the message is for humans. The connection stays open.
/// </summary>
public sealed class HubErrorException : Exception
{
    /// <summary>Creates the exception for an <c>error</c> with <paramref name="code"/> and <paramref name="message"/>.</summary>
    public HubErrorException(ErrorCode code, string message)
        : base($"{(int)code} {code}: {message}")
    {
        Code = code;
        HubMessage = message;
    }

    /// <summary>The error's code, such as <see cref="ErrorCode.InvalidChannel"/> (422).</summary>
    public ErrorCode Code { get; }

    /// <summary>The <c>message</c> the hub sent, as it sent it.</summary>
    public string HubMessage { get; }

    /// <summary>Whether the same request may succeed later (429, 500, 503): <see cref="ErrorCodes.IsTemporary"/>.</summary>
    public bool IsTemporary => ErrorCodes.IsTemporary(Code);
}
