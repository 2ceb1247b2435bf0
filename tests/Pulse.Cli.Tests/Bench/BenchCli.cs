using Pulse.Testing;

namespace Pulse.Cli.Tests.Bench;

/// <summary>Runs <c>pulse</c> in-process, as a user would type it.</summary>
internal static class BenchCli
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PulseCommand.RunAsync(args, new StringReader(""), output, error).DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60)));
        return (code, output.ToString(), error.ToString());
    }

    public static string SingleLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return lines[0];
    }
}
