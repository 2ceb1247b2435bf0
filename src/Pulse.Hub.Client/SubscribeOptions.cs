using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client;

/// <summary>Settings of one subscription. Every callback runs in order with the subscription's messages, one at a time.</summary>
public sealed class SubscribeOptions
{
    /// <summary>
    /// A position saved from an earlier run (<see cref="Subscription.Position"/>) to recover from on the first
    /// subscribe: the publications after it come first, through the handler. Null, the default, starts with
    /// the next publication.
    /// </summary>
    public StreamPosition? Since { get; set; }

    /// <summary>
    /// Runs when the hub cannot recover what this subscription missed (<c>recovered: false</c>): the history no
    /// longer reaches back far enough, or the channel's stream started over (a new epoch, as after an in-memory
    /// hub restarted). Messages may have been missed; reload the application's state here. Messages that follow
    /// continue from <see cref="RecoveryFailedContext.Position"/>. The default is null.
    /// </summary>
    public Func<RecoveryFailedContext, ValueTask>? OnRecoveryFailed { get; set; }

    /// <summary>Runs when a client joins the channel, in namespaces with join/leave events. The default is null.</summary>
    public Func<ClientInfo, ValueTask>? OnJoin { get; set; }

    /// <summary>Runs when a client leaves the channel, in namespaces with join/leave events. The default is null.</summary>
    public Func<ClientInfo, ValueTask>? OnLeave { get; set; }

    /// <summary>
    /// Runs when the hub refuses to subscribe again after a reconnection (such as 403 for a token that no longer
    /// allows the channel). The subscription has ended: nothing more is delivered. The default is null.
    /// </summary>
    public Func<HubErrorException, ValueTask>? OnFailed { get; set; }
}
