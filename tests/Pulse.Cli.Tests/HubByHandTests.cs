using System.Text.Json;
using Pulse.Testing;

namespace Pulse.Cli.Tests;

/// <summary>Issue 5's done-when: with pulse serve running, two pulse connect sessions speaking pulse.v1 JSON by hand subscribe, publish, see presence and recover history.</summary>
public sealed class HubByHandTests
{
    [Fact]
    public async Task TwoPulseConnectSessions_SubscribePublishPresenceAndHistory()
    {
        await using var server = await PulseServerFixture.StartAsync();
        var hub = new Uri(server.BaseUri, "ws").ToString();
        using var alice = PulseProgram.Start("connect", hub);
        try
        {
            var welcome = await ReadEnvelopeAsync(alice);
            await alice.StandardInput.WriteLineAsync("""{"type":"subscribe","id":"a1","payload":{"channel":"chat:lobby"}}""");
            await alice.StandardInput.FlushAsync();
            var subscribed = await ReadEnvelopeAsync(alice);

            var bob = PulseProgram.Run(
                """
                {"type":"publish","id":"b1","payload":{"channel":"chat:lobby","data":{"text":"hello by hand"}}}
                {"type":"presence","id":"b2","payload":{"channel":"chat:lobby"}}
                {"type":"history","id":"b3","payload":{"channel":"chat:lobby"}}

                """,
                "connect",
                hub);
            var message = await ReadEnvelopeAsync(alice);
            alice.StandardInput.Close();
            Assert.True(alice.WaitForExit(TestTimeouts.Scaled(TimeSpan.FromSeconds(30))));

            var bobReplies = bob.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.StartsWith("< ", StringComparison.Ordinal))
                .Select(l => JsonDocument.Parse(l[2..]).RootElement)
                .Where(e => e.GetProperty("type").GetString() == "reply")
                .ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("payload"));

            Assert.Equal("welcome", welcome.GetProperty("type").GetString());
            Assert.Equal("a1", subscribed.GetProperty("id").GetString());
            Assert.Equal("hello by hand", message.GetProperty("payload").GetProperty("data").GetProperty("text").GetString());
            Assert.Equal(0, bob.ExitCode);
            Assert.Equal(1, bobReplies["b1"].GetProperty("offset").GetInt64());
            Assert.Equal(welcome.GetProperty("payload").GetProperty("client").GetString(), bobReplies["b2"].GetProperty("clients")[0].GetProperty("client").GetString());
            Assert.Equal("hello by hand", bobReplies["b3"].GetProperty("publications")[0].GetProperty("data").GetProperty("text").GetString());
            Assert.Equal(0, alice.ExitCode);
        }
        finally
        {
            if (!alice.HasExited)
            {
                alice.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<JsonElement> ReadEnvelopeAsync(System.Diagnostics.Process process)
    {
        while (await process.StandardOutput.ReadLineAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60))) is { } line)
        {
            if (line.StartsWith("< ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line[2..]).RootElement.Clone();
            }
        }

        throw new InvalidOperationException("pulse connect ended: " + await process.StandardError.ReadToEndAsync());
    }
}
