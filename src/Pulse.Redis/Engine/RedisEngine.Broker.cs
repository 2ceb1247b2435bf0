using System.Globalization;
using Pulse.Hub.Engines;
using Pulse.Hub.Protocol;
using StackExchange.Redis;
using ClientInfo = Pulse.Hub.Protocol.ClientInfo;
using StreamPosition = Pulse.Hub.Protocol.StreamPosition;

namespace Pulse.Redis.Engine;

public sealed partial class RedisEngine
{
    /// <inheritdoc/>
    public void SetHandler(IBrokerHandler handler) => _handler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <inheritdoc/>
    public async Task<StreamPosition> PublishAsync(string channel, PublishData data, HistoryLimits history, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var body = RedisWireFormat.EncodeBody(data.Timestamp, data.User, data.ClientId, data.AckRequired, data.Data.Span);
        var reply = await RedisScripts.Publish.RunAsync(
            Database,
            [_keys.Meta(channel), _keys.Stream(channel)],
            [NewEpoch(), body, history.Size, Math.Max(history.TtlMs, 1), MetaTtlMs(history), _keys.PubSub(channel), IsCluster ? "spublish" : "publish"]).WaitAsync(cancellationToken).ConfigureAwait(false);
        var position = (RedisResult[])reply!;
        return new StreamPosition((string)position[0]!, (long)position[1]);
    }

    /// <inheritdoc/>
    public async Task PublishJoinLeaveAsync(string channel, bool join, ClientInfo info, CancellationToken cancellationToken = default) =>
        await Subscriber.PublishAsync(PubSubChannel(channel), RedisWireFormat.EncodeJoinLeave(join, info)).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task SubscribeAsync(string channel, CancellationToken cancellationToken = default)
    {
        var subscriber = Subscriber;
        var pubSub = PubSubChannel(channel);
        var queue = await subscriber.SubscribeAsync(pubSub).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!_subscriptions.TryAdd(channel, queue))
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false); // subscribed already
            return;
        }

        queue.OnMessage(message => OnMessageAsync(channel, message.Message));

        // Where the stream stands once subscribed: anything at or before it is history, anything after arrives here.
        try
        {
            var latest = await ReadAsync(channel, null, 0, default).WaitAsync(cancellationToken).ConfigureAwait(false);
            _cursors.Track(channel, latest.Latest.Epoch, latest.Latest.Offset);
        }
        catch
        {
            await UnsubscribeAsync(channel, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task UnsubscribeAsync(string channel, CancellationToken cancellationToken = default)
    {
        _cursors.Forget(channel);
        if (_subscriptions.TryRemove(channel, out var queue))
        {
            await queue.UnsubscribeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task<HistoryRead> ReadHistoryAsync(string channel, StreamPosition? since, int limit, HistoryLimits history, CancellationToken cancellationToken = default) =>
        ReadAsync(channel, since, limit, history).WaitAsync(cancellationToken);

    // In a Redis Cluster, sharded Pub/Sub (Redis 7): a publication goes out from the shard holding the channel's
    // keys (the same hash tag) and reaches no other shard.
    private RedisChannel PubSubChannel(string channel) => IsCluster ? RedisChannel.Sharded(_keys.PubSub(channel)) : RedisChannel.Literal(_keys.PubSub(channel));

    private async Task<HistoryRead> ReadAsync(string channel, StreamPosition? since, int limit, HistoryLimits history)
    {
        var first = since is { } s ? (s.Offset + 1).ToString(CultureInfo.InvariantCulture) : "-";
        var reply = (RedisResult[])(await RedisScripts.ReadHistory.RunAsync(
            Database,
            [_keys.Meta(channel), _keys.Stream(channel)],
            [NewEpoch(), MetaTtlMs(history), first, Math.Max(limit, 0), since?.Epoch ?? ""]).ConfigureAwait(false))!;
        var latest = new StreamPosition((string)reply[0]!, (long)reply[1]);
        var entries = (RedisResult[])reply[2]!;
        var publications = new List<Publication>(entries.Length);

        // Entries older than the channel's TTL are no longer history, as in memory; a reader then sees a gap.
        var oldest = history.TtlMs > 0 ? Now() - history.TtlMs : long.MinValue;
        foreach (var entry in entries)
        {
            var parts = (RedisResult[])entry!;
            var fields = (RedisResult[])parts[1]!;
            var publication = RedisWireFormat.DecodeBody((byte[])fields[1]!, RedisWireFormat.OffsetOfEntryId((string)parts[0]!));
            if (publication.Timestamp > oldest || history.TtlMs <= 0)
            {
                publications.Add(publication);
            }
        }

        return new HistoryRead(latest, publications);
    }

    private long MetaTtlMs(HistoryLimits history) => Math.Max((long)_options.StreamMetaTtl.TotalMilliseconds, history.TtlMs);

    /// <summary>One Pub/Sub message, on its channel's sequence: delivered in offset order, duplicates dropped, gaps fetched.</summary>
    private async Task OnMessageAsync(string channel, RedisValue payload)
    {
        if (_handler is not { } handler)
        {
            return;
        }

        RedisWireFormat.Message message;
        Publication publication;
        try
        {
            message = RedisWireFormat.ParseMessage((byte[])payload!);
            if (message.Kind != 'p')
            {
                handler.HandleJoinLeave(channel, message.Kind == 'j', RedisWireFormat.DecodeClient(message.Body.Span));
                return;
            }

            publication = RedisWireFormat.DecodeBody(message.Body, message.Offset);
        }
        catch (FormatException e)
        {
            Log.BadMessage(_logger, channel, e.Message);
            return;
        }

        var cursor = _cursors.TrackOrGet(channel, message.Epoch, message.Offset - 1);
        await cursor.Turn.WaitAsync().ConfigureAwait(false);
        try
        {
            var sameEpoch = cursor.Epoch == message.Epoch;
            if (sameEpoch && message.Offset <= cursor.Offset)
            {
                return; // already delivered, from history after a gap
            }

            var from = sameEpoch ? cursor.Offset + 1 : 1;
            if (message.Offset > from)
            {
                await FillAsync(channel, cursor, message.Epoch, from, message.Offset - 1).ConfigureAwait(false);
            }

            cursor.Epoch = message.Epoch;
            cursor.Offset = message.Offset;
            handler.HandlePublication(channel, message.Epoch, publication);
        }
        finally
        {
            cursor.Turn.Release();
        }
    }

    /// <summary>Delivers offsets <paramref name="from"/>..<paramref name="to"/> of <paramref name="epoch"/> from history, as far as it has them. Holds the cursor's turn.</summary>
    private async Task FillAsync(string channel, StreamCursor cursor, string epoch, long from, long to)
    {
        if (_handler is not { } handler)
        {
            return;
        }

        try
        {
            var limit = (int)Math.Min(to - from + 1, 10_000);
            var read = await ReadAsync(channel, new StreamPosition(epoch, from - 1), limit, default).ConfigureAwait(false);
            foreach (var publication in read.Publications)
            {
                if (publication.Offset > to)
                {
                    break;
                }

                cursor.Epoch = epoch;
                cursor.Offset = publication.Offset;
                handler.HandlePublication(channel, epoch, publication);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException or FormatException or InvalidCastException)
        {
            // The sessions see the gap themselves and tell their clients.
            Log.GapFillFailed(_logger, channel, e.Message);
        }
    }

    /// <summary>After a reconnection: deliver, per channel, what was published while this node was not subscribed.</summary>
    private async Task CatchUpAsync()
    {
        try
        {
            // The subscriptions are renewed on the new connection before this ping's answer arrives on it, so
            // whatever the history read below misses comes through Pub/Sub.
            await Subscriber.PingAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return; // lost again: the next restoration catches up
        }

        var cursors = _cursors.All();
        foreach (var (channel, cursor) in cursors)
        {
            await cursor.Turn.WaitAsync().ConfigureAwait(false);
            try
            {
                var latest = (await ReadAsync(channel, null, 0, default).ConfigureAwait(false)).Latest;
                var from = latest.Epoch == cursor.Epoch ? cursor.Offset + 1 : 1;
                if (latest.Offset >= from)
                {
                    await FillAsync(channel, cursor, latest.Epoch, from, latest.Offset).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException or FormatException or InvalidCastException)
            {
                Log.GapFillFailed(_logger, channel, e.Message);
            }
            finally
            {
                cursor.Turn.Release();
            }
        }

        Log.CaughtUp(_logger, cursors.Length);
    }
}
