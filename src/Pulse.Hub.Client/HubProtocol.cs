namespace Pulse.Hub.Client;

/// <summary>
/// Which variant of the pulse.v1 protocol a <see cref="HubClient"/> speaks (<see cref="HubClientOptions.Protocol"/>).
/// Both carry the same envelopes under the same rules, and publication data is JSON in both, so clients of
/// either kind share channels.
/// </summary>
public enum HubProtocol
{
    /// <summary>
    /// JSON, WebSocket subprotocol <c>pulse.v1.json</c>: text frames, readable in a browser's developer tools
    /// and by <c>pulse connect</c>. The default.
    /// </summary>
    Json,

    /// <summary>
    /// Protobuf, WebSocket subprotocol <c>pulse.v1.protobuf</c> (schema <c>proto/pulse.proto</c>): binary frames,
    /// smaller envelopes and less work to read them; publication data is still the UTF-8 text of a JSON value.
    /// </summary>
    Protobuf,
}
