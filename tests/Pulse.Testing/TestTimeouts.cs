using System.Globalization;

namespace Pulse.Testing;

/// <summary>
/// Deadlines for every await in integration tests (SignalR's DefaultTimeout), scaled by
/// PULSE_TEST_TIMEOUT_FACTOR for slow machines.
/// </summary>
public static class TestTimeouts
{
    public static readonly double Factor =
        double.TryParse(Environment.GetEnvironmentVariable("PULSE_TEST_TIMEOUT_FACTOR"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0 ? f : 1;

    /// <summary>The default deadline: 15 s times the factor.</summary>
    public static TimeSpan Default => Scaled(TimeSpan.FromSeconds(15));

    public static TimeSpan Scaled(TimeSpan span) => span * Factor;

    public static Task DefaultTimeout(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    public static Task<T> DefaultTimeout<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    public static Task DefaultTimeout(this ValueTask task, TimeSpan? timeout = null) => task.AsTask().WaitAsync(timeout ?? Default);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, TimeSpan? timeout = null) => task.AsTask().WaitAsync(timeout ?? Default);
}
