using System.CommandLine;
using Pulse.Cli.Bench;

namespace Pulse.Cli;

/// <summary>The <c>pulse</c> program: its commands, and the one rule for bad input (one line, exit 2).</summary>
internal static class PulseCommand
{
    /// <summary>Exit code for a usage error (wrong flag or value).</summary>
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var console = new CliConsole(input, output, error);
        var root = new RootCommand("Pulse: a real-time WebSocket toolkit.")
        {
            ServeCommand.Create(console),
            ConnectCommand.Create(console),
            TokenCommand.Create(console),
            BenchCommand.Create(console),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // DESIGN: a wrong flag gets one line and a non-zero exit, never a screen of help.
            var message = string.Join(' ', parse.Errors[0].Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await error.WriteLineAsync($"pulse: {message} (see 'pulse --help')").ConfigureAwait(false);
            return UsageError;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // commands handle SIGTERM and Ctrl+C themselves
        };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"pulse: {e.Message}").ConfigureAwait(false);
            return UsageError;
        }
    }
}
