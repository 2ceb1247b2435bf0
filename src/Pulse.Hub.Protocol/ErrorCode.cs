namespace Pulse.Hub.Protocol;

/// <summary>
/// Codes of <c>error</c> envelopes. 100–999 belong to Pulse (HTTP-like where one fits); 4000–4999 are free
/// for applications' hooks. <see cref="ErrorCodes.IsTemporary"/> says which are worth retrying as they are.
/// </summary>
public enum ErrorCode
{
    /// <summary>400: the envelope is not valid: not JSON, a missing or mistyped field.</summary>
    BadRequest = 400,

    /// <summary>401: the request needs an authenticated connection, or the token is invalid.</summary>
    Unauthorized = 401,

    /// <summary>403: the user may not do this on this channel.</summary>
    PermissionDenied = 403,

    /// <summary>404: unknown envelope type.</summary>
    UnknownType = 404,

    /// <summary>409: already subscribed to the channel.</summary>
    AlreadySubscribed = 409,

    /// <summary>410: not subscribed to the channel.</summary>
    NotSubscribed = 410,

    /// <summary>413: the payload is too large.</summary>
    PayloadTooLarge = 413,

    /// <summary>422: the channel name is invalid (letters, digits and <c>:_-.</c>, at most 128 characters).</summary>
    InvalidChannel = 422,

    /// <summary>429: a limit was hit: request rate, subscriptions per connection or channels per node. Temporary.</summary>
    LimitExceeded = 429,

    /// <summary>500: the server failed. Temporary.</summary>
    Internal = 500,

    /// <summary>503: an engine (broker, presence, history) is unavailable. Temporary.</summary>
    Unavailable = 503,
}

/// <summary>Rules about <see cref="ErrorCode"/> values.</summary>
public static class ErrorCodes
{
    /// <summary>Whether retrying the same request later may succeed.</summary>
    public static bool IsTemporary(ErrorCode code) => code is ErrorCode.LimitExceeded or ErrorCode.Internal or ErrorCode.Unavailable;
}
