using System.Text;
using Pulse.Hub.Core;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Tests.TestKit;

/// <summary>One session with its clock, fed by hand: inputs in, effects out.</summary>
internal sealed class SessionDriver
{
    public const long T0 = 1_763_700_000_000;
    public const string ClientId = "c1";

    private readonly List<SessionEffect> _effects = [];

    public SessionDriver(SessionSettings? settings = null, ClientIdentity? identity = null, long nowMs = T0)
    {
        NowMs = nowMs;
        Settings = settings ?? DefaultSettings();
        Session = new Session(ClientId, Settings, identity, nowMs);
    }

    public Session Session { get; }

    public SessionSettings Settings { get; }

    public long NowMs { get; set; }

    public static SessionSettings DefaultSettings(ChannelPolicy? policy = null, bool allowAnonymous = true) => new()
    {
        ResolvePolicy = _ => policy ?? new ChannelPolicy(),
        AllowAnonymous = allowAnonymous,
    };

    /// <summary>Settings whose policy depends on the namespace, from <paramref name="byNamespace"/> ("" for the default one).</summary>
    public static SessionSettings SettingsByNamespace(IReadOnlyDictionary<string, ChannelPolicy> byNamespace, bool allowAnonymous = true) => new()
    {
        ResolvePolicy = channel => byNamespace.GetValueOrDefault(ChannelName.GetNamespace(channel)) ?? new ChannelPolicy(),
        AllowAnonymous = allowAnonymous,
    };

    /// <summary>A connected (anonymous unless <paramref name="identity"/>) session whose welcome was already taken.</summary>
    public static SessionDriver NewConnectedSession(SessionSettings? settings = null, ClientIdentity? identity = null)
    {
        var driver = new SessionDriver(settings, identity);
        driver.Effects();
        return driver;
    }

    /// <summary>A session subscribed to <paramref name="channel"/> at epoch <c>e1</c>, offset <paramref name="offset"/>; effects taken.</summary>
    public static SessionDriver NewSubscribedSession(string channel = "chat:lobby", long offset = 0, SessionSettings? settings = null, ClientIdentity? identity = null)
    {
        var driver = NewConnectedSession(settings, identity);
        driver.Subscribe(channel, new StreamPosition("e1", offset));
        driver.Effects();
        return driver;
    }

    /// <summary>Subscribes to <paramref name="channel"/> and answers the engine call with <paramref name="latest"/>.</summary>
    public void Subscribe(string channel, StreamPosition latest, string id = "sub")
    {
        Receive(Requests.Subscribe(id, channel));
        var request = Assertions.AssertCall<SubscribeRequest>(Effects());
        Complete(new SubscribeResult(request.Number, latest, []));
    }

    public List<SessionEffect> Effects()
    {
        _effects.Clear();
        Session.TakeEffects(_effects);
        return [.. _effects];
    }

    public void Receive(Envelope envelope) => Session.Receive(new EnvelopeReadResult(envelope, null), NowMs);

    /// <summary>Reads <paramref name="message"/> with <paramref name="codec"/> and feeds every result, as the adapter does.</summary>
    public void ReceiveWire(IEnvelopeCodec codec, ReadOnlySpan<byte> message)
    {
        var results = new List<EnvelopeReadResult>();
        codec.Read(message, results);
        foreach (var result in results)
        {
            Session.Receive(result, NowMs);
        }
    }

    public void ReceiveJson(string text) => ReceiveWire(JsonEnvelopeCodec.Instance, Encoding.UTF8.GetBytes(text));

    public void Complete(EngineResult result) => Session.Complete(result, NowMs);

    public void Deliver(string channel, Publication publication, string epoch = "e1") => Session.Deliver(channel, epoch, publication, NowMs);

    public void Tick(long nowMs)
    {
        NowMs = nowMs;
        Session.Tick(nowMs);
    }
}
