using System.Text;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Hostile;

/// <summary>
/// Slowloris: handshakes that never finish, against <c>pulse serve</c>. The handshake deadline (10 s,
/// <see cref="ServerOptions.HandshakeTimeout"/>) drops each of them, however slowly it keeps sending; the
/// connections made meanwhile are served. A class of its own so that its wait runs beside the other suites.
/// </summary>
[Trait("Category", "Hostile")]
public sealed class SlowlorisTests(HostileServerFixture server) : IClassFixture<HostileServerFixture>
{
    [Fact]
    public async Task UnfinishedHandshakes_TricklingOrSilent_AreDroppedAtTheDeadline()
    {
        var lorises = new List<RawWebSocket>();
        for (var i = 0; i < 40; i++)
        {
            var loris = await RawWebSocket.ConnectTcpAsync(server.Port);
            await loris.SendRawAsync(Encoding.ASCII.GetBytes($"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
            lorises.Add(loris);
        }

        using var stop = new CancellationTokenSource();
        var trickling = lorises.Where((_, i) => i % 2 == 0).Select(loris => Task.Run(async () =>
        {
            // One header byte a second, never the blank line: only a deadline on the whole head ends it.
            try
            {
                for (var n = 0; !stop.IsCancellationRequested && n < 120; n++)
                {
                    await loris.SendRawAsync("X"u8.ToArray());
                    await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // Dropped by the server (the point) or stopped by the test.
            }
        })).ToList();

        await server.AssertOthersUnharmedAsync();
        var dropped = await Task.WhenAll(lorises.Select(l => l.WaitForTcpCloseAsync(TestTimeouts.Scaled(TimeSpan.FromSeconds(40)))));
        await stop.CancelAsync();
        await Task.WhenAll(trickling);
        foreach (var loris in lorises)
        {
            await loris.DisposeAsync();
        }

        Assert.All(dropped, Assert.True);
        await server.AssertOthersUnharmedAsync();
    }
}
