using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pulse.Hub.Core;

namespace Pulse.Hub.Hosting;

/// <summary>
/// Hub tokens: JWTs signed with HS256. <c>sub</c> is the user; <c>channels</c> (an array, or a space-separated
/// string) lists the private channels allowed, <c>*</c> patterns included; <c>exp</c> ends the connection.
/// Only HS256 is accepted: unsigned (<c>alg: none</c>) and other algorithms are refused.
/// </summary>
public sealed class HubTokens
{
    /// <summary>The claim listing private channels.</summary>
    public const string ChannelsClaim = "channels";

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SymmetricSecurityKey _key;
    private readonly TimeProvider _time;

    /// <summary>Creates the token service for <paramref name="secret"/> (at least 32 characters).</summary>
    public HubTokens(string secret, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (secret.Length < 32)
        {
            throw new ArgumentException("The token secret must be at least 32 characters (HS256 needs a 256-bit key).", nameof(secret));
        }

        _key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Creates a token for <paramref name="user"/>, valid for <paramref name="lifetime"/>.</summary>
    public string Create(string user, IEnumerable<string>? channels = null, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var now = _time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { ["sub"] = user };
        if (channels?.ToArray() is { Length: > 0 } list)
        {
            claims[ChannelsClaim] = list;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Checks a token; returns the identity, or null with a reason fit to show the client.</summary>
    internal async Task<(ClientIdentity? Identity, string? Error)> ValidateAsync(string token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 8192)
        {
            return (null, "invalid token");
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = _time.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore <= now.AddSeconds(30)) && expires > now;
            },
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return (null, result.Exception is SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException ? "token expired" : "invalid token");
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (!jwt.TryGetPayloadValue<string>("sub", out var user) || string.IsNullOrEmpty(user))
        {
            return (null, "invalid token: no sub claim");
        }

        return (new ClientIdentity(user, ReadChannels(jwt), new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero).ToUnixTimeMilliseconds()), null);
    }

    private static List<string> ReadChannels(JsonWebToken jwt)
    {
        if (!jwt.TryGetPayloadValue<JsonElement>(ChannelsClaim, out var element))
        {
            return [];
        }

        return element.ValueKind switch
        {
            JsonValueKind.Array => [.. element.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
            JsonValueKind.String => [.. element.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries)],
            _ => [],
        };
    }
}
