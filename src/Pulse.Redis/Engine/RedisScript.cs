using System.Security.Cryptography;
using System.Text;
using Pulse.Redis.Client;
using Pulse.Redis.Resp;

namespace Pulse.Redis.Engine;

/// <summary>A Lua script run by its SHA1 (EVALSHA), loaded with EVAL the first time a server does not know it.</summary>
internal sealed class RedisScript(string source)
{
    // SHA1 is what Redis names scripts by; it identifies, it does not protect anything.
#pragma warning disable CA5350
    private readonly string _sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
#pragma warning restore CA5350

    /// <summary>Runs the script.</summary>
    public async Task<RespValue> RunAsync(IRedisClient client, RedisArg[] keys, RedisArg[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ExecuteAsync(["EVALSHA", _sha1, keys.Length, .. keys, .. arguments], cancellationToken).ConfigureAwait(false);
        }
        catch (RedisErrorException e) when (e.Prefix == "NOSCRIPT")
        {
            // A restarted Redis forgets its scripts: EVAL loads it again.
            return await client.ExecuteAsync(["EVAL", source, keys.Length, .. keys, .. arguments], cancellationToken).ConfigureAwait(false);
        }
    }
}
