namespace Pulse.Hub.Protocol;

/// <summary>
/// A position in a channel's stream: the epoch (changes when the history is lost or reset, so old offsets
/// mean nothing any more) and an offset (1, 2, 3… for each publication; 0 before the first).
/// </summary>
public readonly record struct StreamPosition(string Epoch, long Offset);
