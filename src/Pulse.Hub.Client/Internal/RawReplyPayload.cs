using System.Text.Json;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client.Internal;

/// <summary>A <c>reply</c>'s payload as sent: only the pending request knows what it should hold (<see cref="ReplyDecoder"/>).</summary>
internal sealed record RawReplyPayload(JsonElement Payload) : ReplyPayload;
