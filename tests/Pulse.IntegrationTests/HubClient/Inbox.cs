using System.Threading.Channels;
using Pulse.Hub.Client;
using Pulse.Testing;

namespace Pulse.IntegrationTests.HubClientTests;

/// <summary>A subscription handler that keeps what it is given, for the test to read in order, with deadlines.</summary>
internal sealed class Inbox
{
    private readonly Channel<HubMessage> _messages = Channel.CreateUnbounded<HubMessage>();

    public ValueTask Handler(HubMessage message) => _messages.Writer.WriteAsync(message);

    public Task<HubMessage> NextAsync() => _messages.Reader.ReadAsync().AsTask().DefaultTimeout();

    public async Task<List<HubMessage>> TakeAsync(int count)
    {
        var messages = new List<HubMessage>(count);
        while (messages.Count < count)
        {
            messages.Add(await NextAsync());
        }

        return messages;
    }

    /// <summary>Whether nothing more was handed to the handler so far.</summary>
    public bool IsEmpty => !_messages.Reader.TryPeek(out _);
}
