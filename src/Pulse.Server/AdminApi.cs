using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pulse.Hub.Hosting;

namespace Pulse.Server;

/// <summary>
/// The admin HTTP API under <c>/api</c>: JSON in and out, every request carrying the API key as
/// <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>. Bad requests get 400 with <c>{"error": "..."}</c>,
/// a missing or wrong key 401.
/// </summary>
internal sealed class AdminApi
{
    private static readonly string s_version =
        typeof(AdminApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private readonly byte[] _keyHash;
    private readonly HubNode _hub;

    private AdminApi(string apiKey, HubNode hub)
    {
        _keyHash = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
        _hub = hub;
    }

    /// <summary>Maps the API's routes.</summary>
    public static void Map(IEndpointRouteBuilder app, string apiKey, HubNode hub)
    {
        var api = new AdminApi(apiKey, hub);
        app.MapPost("/api/publish", api.Authorized(api.PublishAsync));
        app.MapPost("/api/broadcast", api.Authorized(api.BroadcastAsync));
        app.MapPost("/api/disconnect", api.Authorized(api.DisconnectAsync));
        app.MapGet("/api/presence/{channel}", api.Authorized(context => api.PresenceAsync(context, stats: false)));
        app.MapGet("/api/presence/{channel}/stats", api.Authorized(context => api.PresenceAsync(context, stats: true)));
        app.MapGet("/api/channels", api.Authorized(api.ChannelsAsync));
        app.MapGet("/api/info", api.Authorized(api.InfoAsync));
    }

    private RequestDelegate Authorized(Func<HttpContext, Task> handler) => async context =>
    {
        if (!HasKey(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteAsync(context, StatusCodes.Status401Unauthorized, Error("a valid API key is required (Authorization: Bearer KEY or X-Api-Key: KEY)")).ConfigureAwait(false);
            return;
        }

        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (BadRequestException e)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, Error(e.Message)).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, Error(e.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // The engine failed (Redis unreachable, say): temporary, as the hub tells its own clients.
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Error($"temporarily unavailable: {e.Message}")).ConfigureAwait(false);
        }
    };

    private bool HasKey(HttpRequest request)
    {
        string? key = null;
        if (request.Headers.Authorization.ToString() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = authorization["Bearer ".Length..].Trim();
        }
        else if (request.Headers["X-Api-Key"].ToString() is { Length: > 0 } header)
        {
            key = header.Trim();
        }

        // Hashing first makes the comparison's time independent of the key's length as well as its content.
        return key is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), _keyHash);
    }

    private async Task PublishAsync(HttpContext context)
    {
        using var body = await ReadObjectAsync(context).ConfigureAwait(false);
        var channel = RequiredString(body.RootElement, "channel");
        var data = RequiredData(body.RootElement);
        var position = await _hub.PublishAsync(channel, data, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["channel"] = channel, ["epoch"] = position.Epoch, ["offset"] = position.Offset }).ConfigureAwait(false);
    }

    private async Task BroadcastAsync(HttpContext context)
    {
        using var body = await ReadObjectAsync(context).ConfigureAwait(false);
        if (!body.RootElement.TryGetProperty("channels", out var channels) || channels.ValueKind != JsonValueKind.Array || channels.GetArrayLength() == 0)
        {
            throw new BadRequestException("channels is required: a non-empty array of channel names");
        }

        var names = channels.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : throw new BadRequestException("channels must hold strings")).ToArray();
        var data = RequiredData(body.RootElement);
        foreach (var name in names)
        {
            await _hub.PublishAsync(name, data, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }

        await WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["published"] = names.Length }).ConfigureAwait(false);
    }

    private async Task DisconnectAsync(HttpContext context)
    {
        using var body = await ReadObjectAsync(context).ConfigureAwait(false);
        var user = RequiredString(body.RootElement, "user");
        var (here, otherNodes) = await _hub.DisconnectUserEverywhereAsync(user, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["user"] = user, ["disconnected"] = here, ["otherNodes"] = otherNodes }).ConfigureAwait(false);
    }

    private async Task PresenceAsync(HttpContext context, bool stats)
    {
        var channel = context.Request.RouteValues["channel"] as string ?? "";
        var clients = await _hub.PresenceAsync(channel, context.RequestAborted).ConfigureAwait(false);
        JsonObject reply = stats
            ? new() { ["channel"] = channel, ["clients"] = clients.Count, ["users"] = clients.Select(c => c.User).Distinct(StringComparer.Ordinal).Count() }
            : new() { ["channel"] = channel, ["clients"] = new JsonArray([.. clients.Select(c => (JsonNode)new JsonObject { ["client"] = c.Client, ["user"] = c.User })]) };
        await WriteAsync(context, StatusCodes.Status200OK, reply).ConfigureAwait(false);
    }

    private async Task ChannelsAsync(HttpContext context)
    {
        var channels = new JsonArray([.. _hub.Channels.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (JsonNode)new JsonObject { ["channel"] = c.Key, ["subscribers"] = c.Value })]);
        await WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["channels"] = channels }).ConfigureAwait(false);
    }

    private async Task InfoAsync(HttpContext context)
    {
        var info = new JsonObject
        {
            ["version"] = s_version,
            ["uptime"] = Math.Round(_hub.Uptime.TotalSeconds, 3),
            ["connections"] = _hub.ConnectionCount,
            ["channels"] = _hub.Channels.Count,
        };
        if (_hub.Cluster is { } cluster)
        {
            // The live nodes of a scaled-out hub, from their heartbeats.
            var nodes = await cluster.GetNodesAsync(context.RequestAborted).ConfigureAwait(false);
            info["node"] = cluster.NodeId;
            info["nodes"] = new JsonArray([.. nodes.Select(node => (JsonNode)new JsonObject
            {
                ["id"] = node.Id,
                ["address"] = node.Address,
                ["connections"] = node.Connections,
                ["channels"] = node.Channels,
                ["startedAt"] = node.StartedAt,
                ["lastSeen"] = node.LastSeen,
            })]);
        }

        await WriteAsync(context, StatusCodes.Status200OK, info).ConfigureAwait(false);
    }

    private static async Task<JsonDocument> ReadObjectAsync(HttpContext context)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"the body is not valid JSON: {e.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new BadRequestException("the body must be a JSON object");
        }

        return document;
    }

    private static string RequiredString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new BadRequestException($"{name} is required: a non-empty string");

    private static byte[] RequiredData(JsonElement body) =>
        body.TryGetProperty("data", out var data)
            ? Encoding.UTF8.GetBytes(data.GetRawText())
            : throw new BadRequestException("data is required: any JSON value");

    private static JsonObject Error(string message) => new() { ["error"] = message };

    private static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A request the API cannot carry out as sent: 400 with the message.</summary>
    private sealed class BadRequestException(string message) : Exception(message);
}
