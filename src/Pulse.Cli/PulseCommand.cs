using System.CommandLine;
using System.CommandLine.Parsing;
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
            await error.WriteLineAsync($"pulse: {Describe(parse.Errors[0])} (see 'pulse --help')").ConfigureAwait(false);
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

    /// <summary>
    /// A parse error in one line. A value that does not convert is said in the user's terms: System.CommandLine
    /// names the .NET type (<c>'System.Double'</c>), which means nothing at a command line.
    /// </summary>
    private static string Describe(ParseError error)
    {
        var optionResult = error.SymbolResult as OptionResult ?? (error.SymbolResult as ArgumentResult)?.Parent as OptionResult;
        if (optionResult is { Option: var option, Tokens: [.., var token] })
        {
            var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (type != typeof(string) && type != typeof(string[]))
            {
                return $"{option.Name} '{token.Value}': expected {Expected(type)}";
            }
        }

        return string.Join(' ', error.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(double) => "a number",
        _ when type == typeof(bool) => "true or false",
        { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ => "a different value",
    };
}
