using System.Reflection;
using Pulse.Hub.Client;
using Xunit.Sdk;

namespace Pulse.IntegrationTests.HubClientTests;

/// <summary>
/// Runs a theory once for each variant of pulse.v1 the client speaks (<see cref="HubProtocol"/>), passed as its one
/// parameter: the client must behave the same in JSON and Protobuf, so every round trip is run in both.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class EachHubProtocolAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => Enum.GetValues<HubProtocol>().Select(protocol => new object[] { protocol });
}
