namespace Pulse.Cli;

/// <summary>A flag's value is wrong: reported as one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
