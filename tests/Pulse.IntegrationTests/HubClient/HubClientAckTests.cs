using Pulse.Hub.Client;
using Pulse.Testing;
using static Pulse.IntegrationTests.HubClientTests.HubClientTestKit;

namespace Pulse.IntegrationTests.HubClientTests;

/// <summary>
/// DESIGN §2: deliveries of an <c>ack_required</c> publication are resent with the same id until acknowledged;
/// the client acknowledges once its handler returned and drops resends by id.
/// </summary>
[Trait("Category", "HubClient")]
public sealed class HubClientAckTests
{
    [Theory]
    [EachHubProtocol]
    public async Task AckRequired_HandledMessageAcknowledged_TheHubStopsResending_WhileAClientThatNeverAcksGetsResends(HubProtocol protocol)
    {
        // Resends come fast and never give up, so the only way a delivery stops being pending is an ack.
        await using var server = await HubServer.StartAsync(o =>
        {
            o.AckRetryInitialDelay = TimeSpan.FromMilliseconds(50);
            o.AckMaxAttempts = 1_000;
        });
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        var inbox = new Inbox();
        await using var orders = await client.SubscribeAsync("orders", inbox.Handler);
        await using var neverAcks = await server.ConnectAsync();
        await neverAcks.SubscribeAsync("orders");

        await client.PublishAsync("orders", new { text = "order 1" }, ackRequired: true);
        var handled = await inbox.NextAsync();
        var delivered = await neverAcks.NextMessageAsync();
        var resent = await neverAcks.NextMessageAsync();
        await WaitUntilAsync(() => PendingAcks(server.Node, client.ClientId) == 0, "the client's ack reached the hub");
        await client.PublishAsync("orders", new { text = "order 2" });
        var next = await inbox.NextAsync();

        Assert.Equal(handled.Id, delivered.GetProperty("id").GetString());
        Assert.Equal(handled.Id, resent.GetProperty("id").GetString());
        Assert.Equal(1, PendingAcks(server.Node, neverAcks.ClientId));
        Assert.Equal(2, next.Offset); // not a second copy of order 1
        Assert.True(inbox.IsEmpty);
    }

    [Theory]
    [EachHubProtocol]
    public async Task AckRequired_ResendsWhileTheHandlerRuns_AreDroppedAsDuplicates_AndTheAckFollowsTheHandler(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync(o =>
        {
            o.AckRetryInitialDelay = TimeSpan.FromMilliseconds(20);
            o.AckMaxAttempts = 1_000;
        });
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = 0;
        await using var orders = await client.SubscribeAsync("orders", async _ =>
        {
            Interlocked.Increment(ref handled);
            await release.Task;
        });

        await client.PublishAsync("orders", new { text = "slow order" }, ackRequired: true);
        await WaitUntilAsync(() => orders.DuplicatesDropped >= 2, "the hub resent the unacknowledged message");
        var pendingWhileHandling = PendingAcks(server.Node, client.ClientId);
        release.SetResult();
        await WaitUntilAsync(() => PendingAcks(server.Node, client.ClientId) == 0, "the ack after the handler");

        Assert.Equal(1, pendingWhileHandling);
        Assert.Equal(1, Volatile.Read(ref handled));
    }
}
