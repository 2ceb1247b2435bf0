using System.Diagnostics;
using Pulse.Testing;

namespace Pulse.Cli.Tests;

/// <summary>The real <c>pulse</c> program, built next to these tests, run as a process.</summary>
internal static class PulseProgram
{
    public static string Dll { get; } = Find();

    public static Process Start(params string[] arguments) => Peers.Start("dotnet", [Dll, .. arguments], redirectInput: true);

    public static (int ExitCode, string Output, string Error) Run(string? input, params string[] arguments) =>
        Peers.RunToEnd("dotnet", [Dll, .. arguments], TimeSpan.FromSeconds(60), input ?? "");

    /// <summary>Sends SIGTERM to a process this test started, by PID.</summary>
    public static void Terminate(Process process) => Peers.RunToEnd("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));

    private static string Find()
    {
        // tests/Pulse.Cli.Tests/bin/<Configuration>/net10.0 -> src/Pulse.Cli/bin/<Configuration>/net10.0/pulse.dll
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Pulse.Cli", "bin", configuration, output.Name, "Pulse.Cli.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build src/Pulse.Cli first", dll);
    }
}
