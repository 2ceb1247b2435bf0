using System.Diagnostics;
using Pulse.Hub.Core;
using Pulse.Hub.Engines;
using Pulse.Hub.Protocol;
using Pulse.Internal;

namespace Pulse.Hub.Hosting;

public sealed partial class HubNode
{
    /// <summary>
    /// Carries out an engine request for a connection: hooks first, then the engines. Returns null for requests
    /// nobody waits for (the unsubscribes of a closed session). Failures surface as exceptions.
    /// </summary>
    internal async Task<EngineResult?> ExecuteAsync(HubConnection connection, EngineRequest request)
    {
        switch (request)
        {
            case AuthenticateRequest authenticate:
                return await AuthenticateAsync(connection, authenticate).ConfigureAwait(false);

            case SubscribeRequest subscribe:
                if (Options.OnSubscribe is { } onSubscribe)
                {
                    await onSubscribe(new SubscribeContext(connection.ClientId, connection.User, subscribe.Channel)).ConfigureAwait(false);
                }

                return await SubscribeAsync(connection, subscribe).ConfigureAwait(false);

            case UnsubscribeRequest unsubscribe:
                await UnsubscribeAsync(connection, unsubscribe).ConfigureAwait(false);
                return connection.Session.State == SessionState.Closed ? null : new DoneResult(unsubscribe.Number);

            case PublishRequest publish:
                if (Options.OnPublish is { } onPublish)
                {
                    await onPublish(new PublishContext(connection.ClientId, connection.User, publish.Channel, publish.Data)).ConfigureAwait(false);
                }

                var user = publish.Info.User.Length == 0 ? null : publish.Info.User;
                var position = await PublishToEngineAsync(publish.Channel, new PublishData(publish.Data, user, publish.Info.Client, Now(), publish.AckRequired), publish.Policy, CancellationToken.None).ConfigureAwait(false);
                return new PublishResult(publish.Number, position);

            case PresenceRequest presence:
                return new PresenceResult(presence.Number, await PresenceStore.GetAsync(presence.Channel).ConfigureAwait(false));

            case HistoryRequest history:
                var limit = Math.Min(history.Limit ?? history.Policy.HistorySize, history.Policy.HistorySize);
                var read = await Broker.ReadHistoryAsync(history.Channel, history.Since, limit, Limits(history.Policy)).ConfigureAwait(false);
                return new HistoryResult(history.Number, read.Latest, read.Publications);

            default:
                throw new InvalidOperationException($"unknown engine request {request.GetType().Name}");
        }
    }

    /// <summary>Hands a publication to the engine (traced as <c>pulse.publish</c>): every way a publication enters the hub.</summary>
    private async Task<StreamPosition> PublishToEngineAsync(string channel, PublishData data, ChannelPolicy policy, CancellationToken cancellationToken)
    {
        HubMetrics.Published();
        using var activity = PulseActivities.Source.StartActivity("pulse.publish", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "pulse");
        activity?.SetTag("messaging.operation.type", "publish");
        activity?.SetTag("messaging.destination.name", channel);
        try
        {
            var position = await PublishThroughBrokerAsync(channel, data, Limits(policy), cancellationToken).ConfigureAwait(false);
            activity?.SetTag("pulse.offset", position.Offset);
            return position;
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    private async Task<EngineResult> AuthenticateAsync(HubConnection connection, AuthenticateRequest request)
    {
        if (_tokens is null)
        {
            return new EngineFailure(request.Number, ErrorCode.Unauthorized, "this hub accepts no tokens");
        }

        var (identity, error) = await _tokens.ValidateAsync(request.Token).ConfigureAwait(false);
        if (identity is null)
        {
            return new EngineFailure(request.Number, ErrorCode.Unauthorized, error ?? "invalid token");
        }

        if (Options.OnConnect is { } onConnect)
        {
            await onConnect(new ConnectContext(connection.ClientId, identity.User, connection.Socket)).ConfigureAwait(false);
        }

        return new AuthenticateResult(request.Number, identity);
    }

    private async Task<EngineResult?> SubscribeAsync(HubConnection connection, SubscribeRequest request)
    {
        var channel = request.Channel;

        // The subscriber is registered, and the node subscribed at the broker, BEFORE the history is read: a
        // publication racing the read reaches the session (which buffers it) rather than falling between the two.
        while (true)
        {
            if (!_channels.TryGetValue(channel, out var members) && _channels.Count >= Options.MaxChannelsPerNode)
            {
                return new EngineFailure(request.Number, ErrorCode.LimitExceeded, "too many channels on this node");
            }

            members ??= _channels.GetOrAdd(channel, static name => new ChannelMembers<HubConnection>(name));
            await members.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!_channels.TryGetValue(channel, out var current) || current != members)
                {
                    continue; // the last subscriber just left and the entry went with it: take the new one
                }

                members.Add(connection);
                if (!members.BrokerSubscribed)
                {
                    try
                    {
                        await Broker.SubscribeAsync(channel).ConfigureAwait(false);
                        members.BrokerSubscribed = true;
                    }
                    catch
                    {
                        members.Remove(connection);
                        throw;
                    }
                }

                break;
            }
            finally
            {
                members.Gate.Release();
            }
        }

        try
        {
            if (request.Policy.Presence)
            {
                await PresenceStore.AddAsync(channel, request.Info, Options.PresenceTtl).ConfigureAwait(false);
            }

            if (request.Policy.JoinLeave)
            {
                await PublishJoinLeaveThroughBrokerAsync(channel, true, request.Info).ConfigureAwait(false);
            }

            var limit = request.Since is null ? 0 : request.Policy.HistorySize;
            var read = await Broker.ReadHistoryAsync(channel, request.Since, limit, Limits(request.Policy)).ConfigureAwait(false);
            if (connection.IsClosed)
            {
                // The connection closed while this subscribe ran: its close-time unsubscribe may already have
                // run, so undo what this one added rather than leak a member and a presence entry.
                await UnsubscribeAsync(connection, new UnsubscribeRequest(request.Number, channel, request.Policy, request.Info)).ConfigureAwait(false);
                return null;
            }

            return new SubscribeResult(request.Number, read.Latest, read.Publications);
        }
        catch
        {
            await RemoveMemberAsync(channel, connection).ConfigureAwait(false);
            throw;
        }
    }

    private async Task UnsubscribeAsync(HubConnection connection, UnsubscribeRequest request)
    {
        if (!await RemoveMemberAsync(request.Channel, connection).ConfigureAwait(false))
        {
            return;
        }

        if (request.Policy.Presence)
        {
            await PresenceStore.RemoveAsync(request.Channel, request.Info.Client).ConfigureAwait(false);
        }

        if (request.Policy.JoinLeave)
        {
            await PublishJoinLeaveThroughBrokerAsync(request.Channel, false, request.Info).ConfigureAwait(false);
        }
    }

    private async Task<bool> RemoveMemberAsync(string channel, HubConnection connection)
    {
        if (!_channels.TryGetValue(channel, out var members))
        {
            return false;
        }

        await members.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!members.Remove(connection))
            {
                return false;
            }

            if (members.Count == 0 && members.BrokerSubscribed)
            {
                members.BrokerSubscribed = false;
                _channels.TryRemove(new KeyValuePair<string, ChannelMembers<HubConnection>>(channel, members));
                await Broker.UnsubscribeAsync(channel).ConfigureAwait(false);
            }

            return true;
        }
        finally
        {
            members.Gate.Release();
        }
    }
}
