using Pulse.Hub.Protocol;

namespace Pulse.Hub.Hosting;

/// <summary>What <see cref="HubOptions.OnConnect"/> sees.</summary>
/// <param name="Client">The client id.</param>
/// <param name="User">The user, empty when anonymous.</param>
/// <param name="Connection">The WebSocket connection (request headers, remote address).</param>
public sealed record ConnectContext(string Client, string User, WebSocketConnection Connection);

/// <summary>What <see cref="HubOptions.OnSubscribe"/> sees.</summary>
public sealed record SubscribeContext(string Client, string User, string Channel);

/// <summary>What <see cref="HubOptions.OnPublish"/> sees: <see cref="Data"/> is the JSON value as UTF-8.</summary>
public sealed record PublishContext(string Client, string User, string Channel, ReadOnlyMemory<byte> Data);

/// <summary>Thrown by a hook to refuse a request: the client gets an <c>error</c> with this code and message.</summary>
public sealed class HubException : Exception
{
    /// <summary>Creates the exception; application codes are 4000–4999.</summary>
    public HubException(ErrorCode code, string message)
        : base(message) => Code = code;

    /// <summary>Creates the exception with an application code (4000–4999).</summary>
    public HubException(int applicationCode, string message)
        : this((ErrorCode)applicationCode, message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(applicationCode, 4000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(applicationCode, 4999);
    }

    /// <summary>The error code sent.</summary>
    public ErrorCode Code { get; }
}
