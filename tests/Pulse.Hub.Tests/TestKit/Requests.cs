using System.Text;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Tests.TestKit;

/// <summary>Client envelopes as a codec would hand them to the session.</summary>
internal static class Requests
{
    public static Envelope Connect(string id, string token) => new() { Type = EnvelopeType.Connect, Id = id, Token = token };

    public static Envelope Subscribe(string id, string channel, StreamPosition? since = null) =>
        new() { Type = EnvelopeType.Subscribe, Id = id, Channel = channel, Since = since };

    public static Envelope Unsubscribe(string id, string channel) => new() { Type = EnvelopeType.Unsubscribe, Id = id, Channel = channel };

    public static Envelope Publish(string id, string channel, string json = """{"text":"hi"}""", bool ackRequired = false) =>
        new() { Type = EnvelopeType.Publish, Id = id, Channel = channel, Data = Encoding.UTF8.GetBytes(json), AckRequired = ackRequired };

    public static Envelope Presence(string id, string channel) => new() { Type = EnvelopeType.Presence, Id = id, Channel = channel };

    public static Envelope History(string id, string channel, StreamPosition? since = null, int? limit = null) =>
        new() { Type = EnvelopeType.History, Id = id, Channel = channel, Since = since, Limit = limit };

    public static Envelope Ping(string id) => new() { Type = EnvelopeType.Ping, Id = id };

    public static Envelope Ack(string messageId) => new() { Type = EnvelopeType.Ack, Id = messageId };

    /// <summary>A publication at <paramref name="offset"/> whose data is <c>{"n":offset}</c>.</summary>
    public static Publication Pub(long offset, bool ackRequired = false, string? user = null) =>
        new(offset, Encoding.UTF8.GetBytes($$"""{"n":{{offset}}}"""), user, SessionDriver.T0 + offset, clientId: "c9", ackRequired);

    public static IReadOnlyList<Publication> Pubs(long first, long last) =>
        [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(offset => Pub(offset))];
}
