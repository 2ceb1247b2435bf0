using System.Globalization;
using Pulse.Hub.Engines;
using Pulse.Hub.Protocol;
using Pulse.Redis.Client;
using Pulse.Redis.Resp;

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
            ShardOf(channel).Commands,
            [_keys.Meta(channel), _keys.Stream(channel)],
            [NewEpoch(), body, history.Size, Math.Max(history.TtlMs, 1), MetaTtlMs(history), _keys.PubSub(channel)],
            cancellationToken).ConfigureAwait(false);
        return new StreamPosition(reply.Items[0].AsString()!, reply.Items[1].AsInt64());
    }

    /// <inheritdoc/>
    public async Task PublishJoinLeaveAsync(string channel, bool join, ClientInfo info, CancellationToken cancellationToken = default) =>
        await ShardOf(channel).Commands.ExecuteAsync(["PUBLISH", _keys.PubSub(channel), RedisWireFormat.EncodeJoinLeave(join, info)], cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task SubscribeAsync(string channel, CancellationToken cancellationToken = default)
    {
        var shard = ShardOf(channel);
        await shard.PubSub.SubscribeAsync(_keys.PubSub(channel), cancellationToken).ConfigureAwait(false);

        // Where the stream stands once subscribed: anything at or before it is history, anything after arrives here.
        try
        {
            var latest = await ReadAsync(shard, channel, null, 0, default, cancellationToken).ConfigureAwait(false);
            shard.Track(channel, latest.Latest.Epoch, latest.Latest.Offset);
        }
        catch
        {
            await shard.PubSub.UnsubscribeAsync(_keys.PubSub(channel), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task UnsubscribeAsync(string channel, CancellationToken cancellationToken = default)
    {
        var shard = ShardOf(channel);
        shard.Forget(channel);
        await shard.PubSub.UnsubscribeAsync(_keys.PubSub(channel), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<HistoryRead> ReadHistoryAsync(string channel, StreamPosition? since, int limit, HistoryLimits history, CancellationToken cancellationToken = default) =>
        ReadAsync(ShardOf(channel), channel, since, limit, history, cancellationToken);

    private async Task<HistoryRead> ReadAsync(RedisShard shard, string channel, StreamPosition? since, int limit, HistoryLimits history, CancellationToken cancellationToken)
    {
        var first = since is { } s ? (s.Offset + 1).ToString(CultureInfo.InvariantCulture) : "-";
        var reply = await RedisScripts.ReadHistory.RunAsync(
            shard.Commands,
            [_keys.Meta(channel), _keys.Stream(channel)],
            [NewEpoch(), MetaTtlMs(history), first, Math.Max(limit, 0), since?.Epoch ?? ""],
            cancellationToken).ConfigureAwait(false);
        var latest = new StreamPosition(reply.Items[0].AsString()!, reply.Items[1].AsInt64());
        var entries = reply.Items[2].Items;
        var publications = new List<Publication>(entries.Count);

        // Entries older than the channel's TTL are no longer history, as in memory; a reader then sees a gap.
        var oldest = history.TtlMs > 0 ? Now() - history.TtlMs : long.MinValue;
        foreach (var entry in entries)
        {
            var publication = RedisWireFormat.DecodeBody(entry.Items[1].Items[1].Bytes, RedisWireFormat.OffsetOfEntryId(entry.Items[0].AsString()!));
            if (publication.Timestamp > oldest || history.TtlMs <= 0)
            {
                publications.Add(publication);
            }
        }

        return new HistoryRead(latest, publications);
    }

    private long MetaTtlMs(HistoryLimits history) => Math.Max((long)_options.StreamMetaTtl.TotalMilliseconds, history.TtlMs);

    /// <summary>One Pub/Sub message, on its shard's sequence: delivered in offset order, duplicates dropped, gaps fetched.</summary>
    private async ValueTask OnMessageAsync(RedisShard shard, string redisChannel, ReadOnlyMemory<byte> payload)
    {
        if (redisChannel == _keys.Control)
        {
            HandleControl(payload);
            return;
        }

        if (_keys.FromPubSub(redisChannel) is not { } channel || _handler is not { } handler)
        {
            return;
        }

        RedisWireFormat.Message message;
        Publication publication;
        try
        {
            message = RedisWireFormat.ParseMessage(payload);
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

        var cursor = shard.TrackOrGet(channel, message.Epoch, message.Offset - 1);
        var sameEpoch = cursor.Epoch == message.Epoch;
        if (sameEpoch && message.Offset <= cursor.Offset)
        {
            return; // already delivered, from history after a gap
        }

        var from = sameEpoch ? cursor.Offset + 1 : 1;
        if (message.Offset > from)
        {
            await FillAsync(shard, channel, message.Epoch, from, message.Offset - 1).ConfigureAwait(false);
        }

        cursor.Epoch = message.Epoch;
        cursor.Offset = message.Offset;
        handler.HandlePublication(channel, message.Epoch, publication);
    }

    /// <summary>Delivers offsets <paramref name="from"/>..<paramref name="to"/> of <paramref name="epoch"/> from history, as far as it has them.</summary>
    private async Task FillAsync(RedisShard shard, string channel, string epoch, long from, long to)
    {
        if (_handler is not { } handler)
        {
            return;
        }

        try
        {
            var limit = (int)Math.Min(to - from + 1, 10_000);
            var read = await ReadAsync(shard, channel, new StreamPosition(epoch, from - 1), limit, default, CancellationToken.None).ConfigureAwait(false);
            var cursor = shard.TrackOrGet(channel, epoch, from - 1);
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
        catch (Exception e) when (e is RedisException or FormatException or RespProtocolException)
        {
            // The sessions see the gap themselves and tell their clients.
            Log.GapFillFailed(_logger, channel, e.Message);
        }
    }

    /// <summary>After a reconnection: deliver, per channel, what was published while this node was not subscribed.</summary>
    private async ValueTask CatchUpAsync(RedisShard shard)
    {
        var cursors = shard.AllCursors();
        foreach (var (channel, cursor) in cursors)
        {
            try
            {
                var latest = (await ReadAsync(shard, channel, null, 0, default, CancellationToken.None).ConfigureAwait(false)).Latest;
                var from = latest.Epoch == cursor.Epoch ? cursor.Offset + 1 : 1;
                if (latest.Offset >= from)
                {
                    await FillAsync(shard, channel, latest.Epoch, from, latest.Offset).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is RedisException or FormatException)
            {
                Log.GapFillFailed(_logger, channel, e.Message);
            }
        }

        Log.CaughtUp(_logger, cursors.Length, shard.PubSub.Options.Address);
    }
}
