using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Pulse.Redis.Engine;

/// <summary>A Lua script run by its SHA1 (EVALSHA), loaded with EVAL the first time a server does not know it.</summary>
internal sealed class RedisScript(string source)
{
    // SHA1 is what Redis names scripts by; it identifies, it does not protect anything.
#pragma warning disable CA5350
    private readonly byte[] _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(source));
#pragma warning restore CA5350

    /// <summary>Runs the script.</summary>
    public async Task<RedisResult> RunAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] arguments)
    {
        try
        {
            return await database.ScriptEvaluateAsync(_sha1, keys, arguments).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // A restarted Redis (or a promoted replica, or another cluster node) may not know it: EVAL loads it.
            return await database.ScriptEvaluateAsync(source, keys, arguments).ConfigureAwait(false);
        }
        catch (RedisConnectionException e)
        {
            throw Unreachable(database, e);
        }
    }

    /// <summary>The same failure, said in one line that names where Redis was expected (for logs, 503s and /readyz).</summary>
    public static RedisConnectionException Unreachable(IDatabaseAsync database, RedisConnectionException e)
    {
        var where = string.Join(",", database.Multiplexer.GetEndPoints().Select(RedisEngine.Format));
        var what = e.Message.Split([';', '\n'], 2)[0].Trim();
        return new RedisConnectionException(e.FailureType, CommandFlags.None, $"Redis at {where}: {what}", e, e.CommandStatus);
    }
}
