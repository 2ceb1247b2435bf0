using Pulse.Hub.Core;

namespace Pulse.Hub.Hosting;

/// <summary>Options of a channel namespace (the part of a channel name before <c>:</c>).</summary>
public sealed class NamespaceOptions
{
    /// <summary>Whether the namespace tracks presence. The default is true.</summary>
    public bool Presence { get; set; } = true;

    /// <summary>Whether subscribers get join and leave events. The default is false.</summary>
    public bool JoinLeave { get; set; }

    /// <summary>How many publications each channel's history keeps; 0 keeps none. The default is 100.</summary>
    public int HistorySize { get; set; } = 100;

    /// <summary>How long publications stay in history. The default is 5 minutes.</summary>
    public TimeSpan HistoryTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Who may publish from a client. The default is <see cref="PublishPermission.Anyone"/>.</summary>
    public PublishPermission Publish { get; set; } = PublishPermission.Anyone;

    /// <summary>Whether subscribing needs a token whose <c>channels</c> claim allows the channel. The default is false.</summary>
    public bool Private { get; set; }

    /// <summary>
    /// Whether anonymous clients may use the namespace (when the hub allows anonymous clients at all).
    /// The default is true.
    /// </summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>The immutable policy the session core applies.</summary>
    internal ChannelPolicy ToPolicy() => new()
    {
        Presence = Presence,
        JoinLeave = JoinLeave,
        HistorySize = HistorySize,
        HistoryTtlMs = (long)HistoryTtl.TotalMilliseconds,
        Publish = Publish,
        Private = Private,
        AllowAnonymous = AllowAnonymous,
    };

    internal void Validate(string name)
    {
        if (HistorySize < 0)
        {
            throw new ArgumentException($"HubOptions.Namespaces[{name}].HistorySize = {HistorySize}: must not be negative.");
        }

        if (HistoryTtl <= TimeSpan.Zero)
        {
            throw new ArgumentException($"HubOptions.Namespaces[{name}].HistoryTtl = {HistoryTtl}: must be positive.");
        }
    }
}
