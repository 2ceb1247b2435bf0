namespace Pulse.Protocol;

/// <summary>Which end of the connection a protocol object speaks for; it decides masking (RFC 6455 §5.1).</summary>
public enum Role
{
    /// <summary>The server: expects masked frames, sends unmasked ones.</summary>
    Server,

    /// <summary>The client: expects unmasked frames, sends masked ones.</summary>
    Client,
}
