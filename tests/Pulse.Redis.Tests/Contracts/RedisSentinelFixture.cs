namespace Pulse.Redis.Tests.Contracts;

/// <summary>One Sentinel group (a primary, a replica, three sentinels) shared by a test class's cases.</summary>
public sealed class RedisSentinelFixture : IAsyncLifetime
{
    internal RedisSentinelGroup Group { get; private set; } = null!;

    public async Task InitializeAsync() => Group = await RedisSentinelGroup.StartAsync();

    public async Task DisposeAsync() => await Group.DisposeAsync();
}
