namespace Pulse.Redis.Engine;

/// <summary>
/// The Lua scripts the engine runs. Each runs atomically in Redis, which is what keeps a channel's offsets,
/// history and Pub/Sub order the same for every node.
/// </summary>
internal static class RedisScripts
{
    // How a channel gets its epoch, the same in every script that may be the first to touch it: KEYS[1] the meta
    // hash, KEYS[2] the stream, ARGV[1] the epoch to start with. A new epoch starts at offset 0 with no history.
    // The epoch also ends when the primary's replication id changed since it began (field r): a replica was
    // promoted (Sentinel or Cluster failover) or the server restarted empty. Replication is asynchronous, so the
    // new primary may lack the last publications; offsets must not be handed out again with other data under the
    // same epoch, and clients are told honestly that they could not recover.
    private const string EnsureEpoch = """
        local replid = string.match(redis.call('info', 'replication'), 'master_replid:(%w+)') or ''
        local epoch = redis.call('hget', KEYS[1], 'e')
        if not epoch or redis.call('hget', KEYS[1], 'r') ~= replid then
          epoch = ARGV[1]
          redis.call('hset', KEYS[1], 'e', epoch, 'o', 0, 'r', replid)
          redis.call('del', KEYS[2])
        end
        """;

    /// <summary>
    /// Publish. KEYS: meta, stream. ARGV: new epoch (used when the channel has none), body, history size,
    /// history TTL ms, meta TTL ms, Pub/Sub channel, 'publish' or 'spublish' (sharded, in a cluster: the channel
    /// shares the keys' hash tag, so it is local to the shard). Returns {epoch, offset}.
    /// </summary>
    public static readonly RedisScript Publish = new($$"""
        {{EnsureEpoch}}
        local offset = redis.call('hincrby', KEYS[1], 'o', 1)
        redis.call('pexpire', KEYS[1], ARGV[5])
        if tonumber(ARGV[3]) > 0 then
          redis.call('xadd', KEYS[2], 'MAXLEN', ARGV[3], offset .. '-0', 'p', ARGV[2])
          redis.call('pexpire', KEYS[2], ARGV[4])
        end
        redis.call(ARGV[7], ARGV[6], 'p' .. epoch .. ':' .. offset .. '\n' .. ARGV[2])
        return {epoch, offset}
        """);

    /// <summary>
    /// Read history. KEYS: meta, stream. ARGV: new epoch, meta TTL ms, first offset wanted, limit, the epoch the
    /// reader knows ('' for none). Returns {epoch, latest offset, entries}; entries only in the reader's epoch.
    /// </summary>
    public static readonly RedisScript ReadHistory = new($$"""
        {{EnsureEpoch}}
        redis.call('pexpire', KEYS[1], ARGV[2])
        local offset = tonumber(redis.call('hget', KEYS[1], 'o'))
        local entries = {}
        if tonumber(ARGV[4]) > 0 and (ARGV[5] == '' or ARGV[5] == epoch) then
          entries = redis.call('xrange', KEYS[2], ARGV[3], '+', 'COUNT', ARGV[4])
        end
        return {epoch, offset, entries}
        """);

    /// <summary>Add or refresh a presence entry. KEYS: hash, expiry set. ARGV: client, info, TTL ms. Uses the server's clock.</summary>
    public static readonly RedisScript PresenceAdd = new("""
        local now = redis.call('time')
        local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
        redis.call('zadd', KEYS[2], ms + tonumber(ARGV[3]), ARGV[1])
        -- The keys outlive their longest entry, never shorten: a short TTL must not take the others along.
        for _, key in ipairs(KEYS) do
          if redis.call('pttl', key) < tonumber(ARGV[3]) then
            redis.call('pexpire', key, ARGV[3])
          end
        end
        return 1
        """);

    /// <summary>Remove a presence entry. KEYS: hash, expiry set. ARGV: client. One step, so an add cannot land between the two.</summary>
    public static readonly RedisScript PresenceRemove = new("""
        redis.call('hdel', KEYS[1], ARGV[1])
        redis.call('zrem', KEYS[2], ARGV[1])
        return 1
        """);

    /// <summary>Read presence, dropping expired entries first. KEYS: hash, expiry set. Returns the entries.</summary>
    public static readonly RedisScript PresenceGet = new("""
        local now = redis.call('time')
        local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        local expired = redis.call('zrangebyscore', KEYS[2], '-inf', ms)
        for _, client in ipairs(expired) do
          redis.call('hdel', KEYS[1], client)
        end
        if #expired > 0 then
          redis.call('zremrangebyscore', KEYS[2], '-inf', ms)
        end
        return redis.call('hvals', KEYS[1])
        """);
}
