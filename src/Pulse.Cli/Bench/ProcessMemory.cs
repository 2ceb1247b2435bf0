using System.Globalization;

namespace Pulse.Cli.Bench;

/// <summary>Another process's resident memory, from <c>/proc/PID/status</c>, so a run can tell what each connection costs the server.</summary>
internal static class ProcessMemory
{
    /// <summary>The resident set size (VmRSS) of process <paramref name="pid"/> in KiB; null when it has gone or /proc cannot be read.</summary>
    public static long? ResidentKiB(int pid)
    {
        try
        {
            return ParseStatus(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads VmRSS from the text of a <c>/proc/PID/status</c> file; null when there is none.</summary>
    internal static long? ParseStatus(string status)
    {
        // proc(5): "VmRSS:     12345 kB", one field per line.
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var value = line["VmRSS:".Length..].Trim();
                var space = value.IndexOf(' ', StringComparison.Ordinal);
                return long.TryParse(space < 0 ? value : value[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : null;
            }
        }

        return null;
    }
}
