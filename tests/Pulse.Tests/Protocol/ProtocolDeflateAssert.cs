using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

internal static class ProtocolDeflateAssert
{
    /// <summary>The whole messages in <paramref name="events"/>; fails on an Error event, saying which.</summary>
    public static List<byte[]> Messages(IEnumerable<RecordedEvent> events)
    {
        var list = events.ToList();
        if (list.Find(e => e.Kind == ProtocolEventKind.Error) is { } error)
        {
            Assert.Fail($"the protocol failed: {error.Error}");
        }

        return ProtocolAssert.SplitMessages(list);
    }
}
