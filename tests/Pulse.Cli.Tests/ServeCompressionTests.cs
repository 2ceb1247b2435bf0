using System.Text.RegularExpressions;
using Pulse.Testing;

namespace Pulse.Cli.Tests;

/// <summary>Issue 3: `pulse serve` negotiates permessage-deflate by default; `--no-compression` turns it off.</summary>
public sealed partial class ServeCompressionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Serve_CompressesUnlessTold(bool noCompression)
    {
        using var serve = PulseProgram.Start(["serve", "--listen", "127.0.0.1:0", .. noCompression ? new[] { "--no-compression" } : []]);
        try
        {
            var port = await ReadPortAsync(serve);
            await using var ws = await WebSocketClient.ConnectAsync($"ws://127.0.0.1:{port}/echo").DefaultTimeout();
            var text = string.Concat(Enumerable.Repeat("{\"text\":\"compressible\"} ", 40));
            await ws.SendAsync(text).DefaultTimeout();

            Assert.Equal(text, (await ws.ReceiveAsync().DefaultTimeout()).Text);
            Assert.Equal(noCompression, ws.Compression is null);
            await ws.CloseAsync().DefaultTimeout();
        }
        finally
        {
            PulseProgram.Terminate(serve);
            if (!serve.WaitForExit(TestTimeouts.Scaled(TimeSpan.FromSeconds(30))))
            {
                serve.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<int> ReadPortAsync(System.Diagnostics.Process serve)
    {
        while (await serve.StandardOutput.ReadLineAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60))) is { } line)
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("pulse serve exited before listening: " + await serve.StandardError.ReadToEndAsync());
    }

    [GeneratedRegex(@"listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex ListeningLine();
}
