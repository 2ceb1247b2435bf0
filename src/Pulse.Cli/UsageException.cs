namespace Pulse.Cli;

/// <summary>A flag's value is wrong: reported as one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message)
{
    /// <summary>
    /// The message of <paramref name="exception"/> without the <c> (Parameter 'name')</c> that .NET appends: the
    /// name of a C# parameter means nothing to someone at a command line.
    /// </summary>
    public static string MessageOf(ArgumentException exception) => exception.ParamName is null
        ? exception.Message
        : exception.Message.Replace($" (Parameter '{exception.ParamName}')", "", StringComparison.Ordinal);
}
