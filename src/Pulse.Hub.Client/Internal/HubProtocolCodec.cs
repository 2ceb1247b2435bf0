using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client.Internal;

/// <summary>The hub's own codec for each <see cref="HubProtocol"/>: one implementation of each, shared with the server.</summary>
internal static class HubProtocolCodec
{
    public static IEnvelopeCodec Of(HubProtocol protocol) => protocol switch
    {
        HubProtocol.Json => JsonEnvelopeCodec.Instance,
        HubProtocol.Protobuf => ProtobufEnvelopeCodec.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "not a pulse.v1 variant"),
    };
}
