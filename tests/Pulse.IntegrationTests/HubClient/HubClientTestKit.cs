using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using Pulse.Hub.Client;
using Pulse.Hub.Client.Internal;
using Pulse.Hub.Hosting;
using Pulse.Hub.Protocol;
using Pulse.Testing;

namespace Pulse.IntegrationTests.HubClientTests;

/// <summary>Options and probes shared by the hub client's tests.</summary>
internal static class HubClientTestKit
{
    /// <summary>
    /// Client options for loopback tests in <paramref name="protocol"/>: quick reconnections, deadlines scaled like
    /// every other test's.
    /// </summary>
    public static HubClientOptions Options(HubProtocol protocol, Action<HubClientOptions>? configure = null)
    {
        var options = new HubClientOptions
        {
            Protocol = protocol,
            RequestTimeout = TestTimeouts.Default,
            WebSocket = new ClientOptions
            {
                ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
            },
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>
    /// Sends a hub's <c>welcome</c> in <paramref name="protocol"/>, from a test server that plays the hub (one that
    /// stays silent afterwards, say).
    /// </summary>
    public static async Task SendWelcomeAsync(WebSocketConnection ws, HubProtocol protocol, int heartbeatSeconds)
    {
        var codec = HubProtocolCodec.Of(protocol);
        var frame = new ArrayBufferWriter<byte>();
        codec.Write(frame, new WelcomeEnvelope("quiet", heartbeatSeconds, 0));
        await ws.SendAsync(codec.MessageType, frame.WrittenSpan);
    }

    /// <summary>Completes with the first event args that <paramref name="subscribe"/>'s event raises and that match.</summary>
    public static Task<TArgs> NextEventAsync<TArgs>(Action<EventHandler<TArgs>> subscribe, Func<TArgs, bool>? match = null)
    {
        var raised = new TaskCompletionSource<TArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, args) =>
        {
            if (match is null || match(args))
            {
                raised.TrySetResult(args);
            }
        });
        return raised.Task.DefaultTimeout();
    }

    /// <summary>
    /// How many deliveries the hub's session for <paramref name="clientId"/> still waits to see acknowledged. The
    /// node keeps its connections private; the test reads them to see what the hub itself still means to resend.
    /// </summary>
    public static int PendingAcks(HubNode node, string clientId)
    {
        var field = typeof(HubNode).GetField("_connections", BindingFlags.NonPublic | BindingFlags.Instance)
            ?? throw new InvalidOperationException("HubNode no longer keeps its connections in _connections: update this probe");
        var connections = (ConcurrentDictionary<string, HubConnection>)field.GetValue(node)!;

        // Read without the connection's lock: a count polled until it settles, never used to decide mid-change.
        return connections[clientId].Session.PendingAcks;
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls <paramref name="condition"/> until it holds, within the default deadline.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!await condition().DefaultTimeout())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"never happened: {what}");
            }

            await Task.Delay(10);
        }
    }
}
