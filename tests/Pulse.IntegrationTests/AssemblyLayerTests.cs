using System.Reflection;
using Pulse.Hub.Client;
using Pulse.Hub.Hosting;
using Pulse.Hub.Protocol;
using Pulse.Redis.Engine;
using Pulse.Server;

namespace Pulse.IntegrationTests;

/// <summary>
/// DESIGN's layer picture, held by the built assemblies: each knows only the ones below it, and a client-only app
/// (<c>Pulse</c>, <c>Pulse.Hub.Client</c>) gets no ASP.NET Core, no JWT library and no server code, however deep it
/// looks. What is read: the assembly references the compiler wrote, followed transitively through every assembly
/// that is not the runtime's own. The package tests check the same of a real app's dependency graph on .NET 8 and 10.
/// </summary>
public sealed class AssemblyLayerTests
{
    private static readonly Assembly s_library = typeof(WebSocketConnection).Assembly;
    private static readonly Assembly s_aspNetCore = typeof(WebSocketServer).Assembly;
    private static readonly Assembly s_hubProtocol = typeof(Envelope).Assembly;
    private static readonly Assembly s_hub = typeof(HubNode).Assembly;
    private static readonly Assembly s_hubClientAssembly = typeof(HubClient).Assembly;
    private static readonly Assembly s_redis = typeof(RedisEngine).Assembly;
    private static readonly Assembly s_serverHost = typeof(PulseServer).Assembly;

    public static TheoryData<string, string[]> OursBelow => new()
    {
        { "Pulse", [] },
        { "Pulse.AspNetCore", ["Pulse"] },
        { "Pulse.Hub.Protocol", ["Pulse"] },
        { "Pulse.Hub", ["Pulse", "Pulse.AspNetCore", "Pulse.Hub.Protocol"] },
        { "Pulse.Hub.Client", ["Pulse", "Pulse.Hub.Protocol"] },
        { "Pulse.Redis", ["Pulse", "Pulse.AspNetCore", "Pulse.Hub", "Pulse.Hub.Protocol"] },
    };

    [Theory]
    [MemberData(nameof(OursBelow))]
    public void EachAssembly_ReferencesOnlyTheLayersBelowIt(string assembly, string[] allowed)
    {
        var ours = Closure(Load(assembly)).Where(name => name.StartsWith("Pulse", StringComparison.Ordinal) && name != assembly);

        Assert.Subset(allowed.ToHashSet(), ours.ToHashSet());
    }

    [Theory]
    [InlineData("Pulse")]
    [InlineData("Pulse.Hub.Protocol")]
    [InlineData("Pulse.Hub.Client")]
    public void ClientSide_HasNoAspNetCoreNoJwtNoServer(string assembly)
    {
        var closure = Closure(Load(assembly));

        Assert.DoesNotContain(closure, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(closure, name => name.StartsWith("Microsoft.IdentityModel", StringComparison.Ordinal));
        Assert.DoesNotContain(closure, name => name.StartsWith("System.IdentityModel", StringComparison.Ordinal));
        Assert.DoesNotContain(closure, name => name is "Pulse.AspNetCore" or "Pulse.Hub" or "Pulse.Redis" or "Pulse.Server");
    }

    [Fact]
    public void Closure_SeesTransitiveReferences()
    {
        // The server host reaches ASP.NET Core and the JWT library only through the layers below it: proof the walk
        // follows references rather than reading one level.
        var closure = Closure(s_serverHost);

        Assert.Contains("Pulse", closure);
        Assert.Contains(closure, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Contains(closure, name => name.StartsWith("Microsoft.IdentityModel", StringComparison.Ordinal));
    }

    private static Assembly Load(string name) =>
        new[] { s_library, s_aspNetCore, s_hubProtocol, s_hub, s_hubClientAssembly, s_redis, s_serverHost }.Single(assembly => assembly.GetName().Name == name);

    /// <summary>Every assembly <paramref name="root"/> reaches by references, not descending into the runtime's own.</summary>
    private static HashSet<string> Closure(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([root]);
        while (pending.TryPop(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (!seen.Add(reference.Name!) || IsRuntime(reference.Name!))
                {
                    continue;
                }

                pending.Push(Assembly.Load(reference));
            }
        }

        return seen;
    }

    private static bool IsRuntime(string name) =>
        name is "mscorlib" or "netstandard" || name.StartsWith("System.", StringComparison.Ordinal) && !name.StartsWith("System.IdentityModel", StringComparison.Ordinal);
}
