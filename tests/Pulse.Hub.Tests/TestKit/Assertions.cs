using Pulse.Hub.Core;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Tests.TestKit;

/// <summary>Assertions over a session's effects.</summary>
internal static class Assertions
{
    /// <summary>Exactly one effect, sending a <typeparamref name="T"/> envelope; returns it.</summary>
    public static T AssertSent<T>(IReadOnlyList<SessionEffect> effects)
        where T : ServerEnvelope
    {
        var effect = Assert.Single(effects);
        var send = Assert.IsType<SendEnvelope>(effect);
        return Assert.IsType<T>(send.Envelope);
    }

    /// <summary>Exactly one effect: a reply to <paramref name="id"/> with a <typeparamref name="T"/> payload; returns it.</summary>
    public static T AssertReply<T>(IReadOnlyList<SessionEffect> effects, string id)
        where T : ReplyPayload
    {
        var reply = AssertSent<ReplyEnvelope>(effects);
        Assert.Equal(id, reply.Id);
        return Assert.IsType<T>(reply.Payload);
    }

    /// <summary>Exactly one effect: an error with <paramref name="code"/> for <paramref name="id"/>; returns it.</summary>
    public static ErrorEnvelope AssertError(IReadOnlyList<SessionEffect> effects, ErrorCode code, string? id)
    {
        var error = AssertSent<ErrorEnvelope>(effects);
        Assert.Equal(code, error.Code);
        Assert.Equal(id, error.Id);
        return error;
    }

    /// <summary>Exactly one effect: an engine call of type <typeparamref name="T"/>; returns it.</summary>
    public static T AssertCall<T>(IReadOnlyList<SessionEffect> effects)
        where T : EngineRequest
    {
        var effect = Assert.Single(effects);
        var call = Assert.IsType<CallEngine>(effect);
        return Assert.IsType<T>(call.Request);
    }

    /// <summary>The last effect closes the connection with <paramref name="code"/>; returns it.</summary>
    public static CloseConnection AssertClosing(IReadOnlyList<SessionEffect> effects, CloseCode code)
    {
        Assert.NotEmpty(effects);
        var close = Assert.IsType<CloseConnection>(effects[^1]);
        Assert.Equal(code, close.Code);
        return close;
    }

    /// <summary>The offsets of the publications sent, in order, asserting every effect is one.</summary>
    public static long[] SentOffsets(IReadOnlyList<SessionEffect> effects) =>
        [.. effects.Select(effect => Assert.IsType<SendPublication>(effect).Publication.Offset)];
}
