using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Pulse.Hub.Hosting;
using Pulse.IntegrationTests.Hostile;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Overload;

/// <summary>
/// Overload: a channel floods while one hub subscriber stops reading. The slow subscriber is cut off with 1013
/// (the hub's slow-consumer policy) once more than its write limit waits for it, and its queue is freed; the
/// publisher, which keeps pace with the fast subscribers only, never waits on it, and the fast subscribers
/// receive every publication, in order.
/// </summary>
[Trait("Category", "Overload")]
[Collection(nameof(MemoryMeasuredCollection))]
public sealed class HubSlowSubscriberTests
{
    private const string Channel = "overload:flood";
    private const int Publications = 600;
    private const int FastSubscribers = 3;

    [Fact]
    public async Task SubscriberThatStopsReading_IsCutOffWith1013_OthersGetEverything()
    {
        await using var server = await PulseServerFixture.StartAsync(options => options.PingInterval = null);
        var hub = server.Services.GetRequiredService<HubNode>();
        var port = server.EndPoints[0].Port;
        var memory = MemoryBound.Start();

        // The slow subscriber: a raw socket that subscribes, reads its reply, then reads nothing more.
        await using var slow = await RawWebSocket.OpenAsync(port, "/ws", "Sec-WebSocket-Protocol: pulse.v1.json");
        await slow.ReceiveMessageAsync(); // welcome
        await slow.SendTextAsync("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":{\"channel\":\"" + Channel + "\"}}");
        Assert.Contains("\"reply\"", Encoding.UTF8.GetString((await slow.ReceiveMessageAsync()).Payload), StringComparison.Ordinal);

        var fast = new List<HubTestClient>();
        for (var i = 0; i < FastSubscribers; i++)
        {
            var client = new HubTestClient(await WebSocketClient.ConnectAsync(new Uri(server.BaseUri, "/ws"), new ClientOptions { Subprotocols = ["pulse.v1.json"], UseProxyFromEnvironment = false }).DefaultTimeout());
            client.Welcome = await client.ExpectAsync("welcome");
            await client.SubscribeAsync(Channel);
            fast.Add(client);
        }

        // 600 publications of 32 KiB (19 MiB): far more than the loopback socket buffers hold for the slow one.
        var data = Encoding.UTF8.GetBytes($"\"{new string('x', 32 * 1024)}\"");
        // The publisher keeps pace with the fast subscribers (one publication ahead): on a loaded machine a reader
        // held up for a moment must not be taken for a slow consumer. It never waits for the slow one.
        var progress = fast.Select(_ => new SemaphoreSlim(0)).ToArray();
        var readers = fast.Select(async (client, k) =>
        {
            var offsets = new List<long>();
            for (var i = 0; i < Publications; i++)
            {
                offsets.Add((await client.NextMessageAsync()).GetProperty("payload").GetProperty("offset").GetInt64());
                progress[k].Release();
            }

            return offsets;
        }).ToList();
        for (var i = 0; i < Publications; i++)
        {
            if (i > 0)
            {
                foreach (var reader in progress)
                {
                    Assert.True(await reader.WaitAsync(TestTimeouts.Default), $"a fast subscriber stalled before publication {i}");
                }
            }

            await hub.PublishAsync(Channel, data).DefaultTimeout();
        }

        var received = await Task.WhenAll(readers);

        Assert.All(received, offsets => Assert.Equal(Enumerable.Range(1, Publications).Select(o => (long)o), offsets));

        // The slow subscriber finds, after what the socket buffers held, a 1013 close, well before the 600th message.
        var messages = 0;
        RawFrame frame;
        while (!(frame = await slow.ReceiveFrameAsync()).IsClose)
        {
            messages += frame.Fin ? 1 : 0;
        }

        Assert.Equal(1013, frame.CloseCode);
        Assert.True(messages < Publications, $"the slow subscriber got all {messages} messages: it was never cut off");
        await slow.SendCloseAsync(1013);
        Assert.True(await slow.WaitForTcpCloseAsync(), "the server did not close the slow subscriber's TCP connection");
        await WaitUntilAsync(() => hub.ConnectionCount == FastSubscribers);
        Assert.Equal(FastSubscribers, hub.Channels[Channel]);

        foreach (var client in fast)
        {
            await client.DisposeAsync();
        }

        memory.AssertWithin();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
