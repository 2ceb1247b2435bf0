using System.Text.Json;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client.Internal;

/// <summary>
/// Reads a <c>reply</c>'s payload as the reply to the request it answers (docs/reference/protocol.md): a reply
/// does not say what it answers, the pending request does. Pure; a payload that lacks what its request's reply
/// must hold throws <see cref="FormatException"/>.
/// </summary>
internal static class ReplyDecoder
{
    public static ConnectReply Connect(JsonElement payload) =>
        new(String(payload, "client"), payload.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String ? user.GetString()! : "");

    public static SubscribeReply Subscribe(JsonElement payload)
    {
        var position = Position(payload);
        bool? recovered = payload.TryGetProperty("recovered", out var r) && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean() : null;
        return new SubscribeReply(position, recovered, recovered is null ? [] : Publications(payload));
    }

    public static PublishReply Publish(JsonElement payload) => new(Long(payload, "offset"));

    public static PresenceReply Presence(JsonElement payload)
    {
        if (!payload.TryGetProperty("clients", out var clients) || clients.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("presence reply without clients");
        }

        var list = new List<ClientInfo>(clients.GetArrayLength());
        foreach (var client in clients.EnumerateArray())
        {
            list.Add(new ClientInfo(String(client, "client"), client.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String ? user.GetString()! : ""));
        }

        return new PresenceReply(list);
    }

    public static HistoryReply History(JsonElement payload) => new(Position(payload), Publications(payload));

    private static StreamPosition Position(JsonElement payload) => new(String(payload, "epoch"), Long(payload, "offset"));

    private static List<Publication> Publications(JsonElement payload)
    {
        if (!payload.TryGetProperty("publications", out var publications) || publications.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var list = new List<Publication>(publications.GetArrayLength());
        foreach (var publication in publications.EnumerateArray())
        {
            list.Add(ServerEnvelopeReader.ReadPublication(publication));
        }

        return list;
    }

    private static string String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"reply without '{name}'");

    private static long Long(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw new FormatException($"reply without '{name}'");
}
