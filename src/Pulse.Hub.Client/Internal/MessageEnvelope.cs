using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client.Internal;

/// <summary>A <c>message</c>: a publication on its channel; the id is <c>{epoch}:{offset}</c>.</summary>
internal sealed record MessageEnvelope(string Id, string Channel, string Epoch, Publication Publication) : ServerEnvelope;
