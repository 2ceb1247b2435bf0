using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

/// <summary>Something the adapter must do for a session, in the order given.</summary>
internal abstract record SessionEffect;

/// <summary>Send this envelope.</summary>
internal sealed record SendEnvelope(ServerEnvelope Envelope) : SessionEffect;

/// <summary>Send the <c>message</c> envelope for this publication (encoded once and shared by all recipients).</summary>
internal sealed record SendPublication(string Channel, string Epoch, Publication Publication) : SessionEffect;

/// <summary>Run this engine request and feed its result back through <see cref="Session.Complete"/>.</summary>
internal sealed record CallEngine(EngineRequest Request) : SessionEffect;

/// <summary>Close the connection with this code and reason.</summary>
internal sealed record CloseConnection(CloseCode Code, string Reason) : SessionEffect;

/// <summary>A message went unacknowledged after every attempt (for logs, metrics and hooks).</summary>
internal sealed record ReportUndeliverable(string Channel, string Epoch, Publication Publication, int Attempts) : SessionEffect;
