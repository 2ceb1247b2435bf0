using System.Text.Json;
using Pulse.Hub.Hosting;
using Pulse.Hub.Protocol;

namespace Pulse.Server.Demos;

/// <summary>
/// The shared counter's state. Pages publish <c>{"delta": ±1}</c> on <see cref="DemoChannels.CounterClicks"/>;
/// the publish hook applies it and publishes the new <c>{"value": N}</c> on <see cref="DemoChannels.CounterValue"/>
/// before the click's reply, so a page that clicked has seen the value by the time its publish resolves.
/// </summary>
internal sealed class CounterDemo : IDisposable
{
    // One change and its publication at a time, so every page sees the values in the order they were made.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HubNode? _node;
    private long _value;

    public void Attach(HubNode node) => _node = node;

    /// <summary>The hub's publish hook for the counter's channels: refuses forged values, applies clicks.</summary>
    public async ValueTask OnPublishAsync(PublishContext context)
    {
        if (context.Channel == DemoChannels.CounterValue)
        {
            throw new HubException(ErrorCode.PermissionDenied, "only the server publishes the counter's value; publish {\"delta\": 1} on counter:clicks");
        }

        if (context.Channel != DemoChannels.CounterClicks || _node is null)
        {
            return;
        }

        var delta = ReadDelta(context.Data.Span)
            ?? throw new HubException(ErrorCode.BadRequest, "a click is {\"delta\": 1} or {\"delta\": -1}");
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _value += delta;
            await _node.PublishAsJsonAsync(DemoChannels.CounterValue, new { value = _value }).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static int? ReadDelta(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("delta", out var delta)
                && delta.TryGetInt32(out var value)
                && value is 1 or -1 ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
