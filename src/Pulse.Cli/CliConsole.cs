namespace Pulse.Cli;

/// <summary>The standard streams a command uses, passed in so tests can drive commands in-process.</summary>
internal sealed record CliConsole(TextReader Input, TextWriter Output, TextWriter Error);
