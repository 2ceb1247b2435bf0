namespace Pulse.IntegrationTests.Hostile;

/// <summary>
/// The tests that measure the process's heap or allocations run alone, after the parallel ones: other tests'
/// live buffers (16 MiB conformance messages, say) would otherwise count against their bounds.
/// </summary>
[CollectionDefinition(nameof(MemoryMeasuredCollection), DisableParallelization = true)]
public sealed class MemoryMeasuredCollection;
