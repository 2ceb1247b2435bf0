using Microsoft.Extensions.Logging;
using Pulse.Redis.Resp;

namespace Pulse.Redis.Client;

/// <summary>
/// A Pub/Sub connection. Messages are handed to one handler, in the order Redis sent them, never concurrently.
/// On every new connection it subscribes again to every channel it holds and then calls
/// <see cref="Resubscribed"/> (on the same sequence), so the owner can fetch what was published meanwhile.
/// </summary>
public sealed class RedisSubscriber : ReconnectingLink, IRedisSubscriber
{
    private readonly Func<string, ReadOnlyMemory<byte>, ValueTask> _onMessage;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly HashSet<string> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<TaskCompletionSource>> _confirmations = new(StringComparer.Ordinal);
    private bool _everConnected;

    /// <summary>Creates the subscriber; <see cref="ReconnectingLink.Start"/> connects.</summary>
    /// <param name="options">The server.</param>
    /// <param name="onMessage">Receives each message: channel, payload.</param>
    /// <param name="loggerFactory">For connection events.</param>
    public RedisSubscriber(RedisOptions options, Func<string, ReadOnlyMemory<byte>, ValueTask> onMessage, ILoggerFactory? loggerFactory = null)
        : base(options, loggerFactory)
    {
        _onMessage = onMessage ?? throw new ArgumentNullException(nameof(onMessage));
    }

    /// <summary>
    /// Called after a reconnection, once every channel is subscribed again, before any later message is handled.
    /// </summary>
    public Func<ValueTask>? Resubscribed { get; set; }

    /// <summary>The channels subscribed.</summary>
    public IReadOnlyCollection<string> Channels
    {
        get
        {
            lock (_channels)
            {
                return [.. _channels];
            }
        }
    }

    /// <summary>Adds a channel to subscribe to on every connection, without waiting: for channels known before <see cref="ReconnectingLink.Start"/>.</summary>
    public void SubscribeOnConnect(string channel)
    {
        lock (_channels)
        {
            _channels.Add(channel);
        }
    }

    /// <inheritdoc/>
    public async Task SubscribeAsync(string channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        lock (_channels)
        {
            _channels.Add(channel);
        }

        try
        {
            await SendAndConfirmAsync("SUBSCRIBE", channel, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_channels)
            {
                _channels.Remove(channel);
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public async Task UnsubscribeAsync(string channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        lock (_channels)
        {
            if (!_channels.Remove(channel))
            {
                return;
            }
        }

        // Without a connection there is nothing to undo: the next one will not subscribe to it.
        if (IsConnected)
        {
            await SendAndConfirmAsync("UNSUBSCRIBE", channel, cancellationToken).ConfigureAwait(false);
        }
    }

    private protected override async Task OnLinkOpenedAsync(RedisLink link, CancellationToken cancellationToken)
    {
        string[] channels;
        lock (_channels)
        {
            channels = [.. _channels];
        }

        // Subscribed again before the link is handed out; messages that arrive meanwhile are handled in order.
        var waiting = new HashSet<string>(channels, StringComparer.Ordinal);
        foreach (var chunk in channels.Chunk(256))
        {
            await link.WriteAsync(RedisLink.Encode([.. chunk.Prepend("SUBSCRIBE").Select(RedisArg.FromString)]), cancellationToken).ConfigureAwait(false);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.CommandTimeout + Options.ConnectTimeout);
        while (waiting.Count > 0)
        {
            var value = await link.ReadAsync(timeout.Token).ConfigureAwait(false) ?? throw new RedisConnectionException("the server closed the connection while resubscribing");
            if (Parse(value) is { } message)
            {
                if (message.Kind == "subscribe")
                {
                    waiting.Remove(message.Channel);
                }
                else if (message.Kind == "message")
                {
                    await _onMessage(message.Channel, message.Payload).ConfigureAwait(false);
                }
            }
        }

        if (_everConnected && Resubscribed is { } resubscribed)
        {
            await resubscribed().ConfigureAwait(false);
        }

        _everConnected = true;
    }

    private protected override async ValueTask HandleValueAsync(RedisLink link, RespValue value)
    {
        if (Parse(value) is not { } message)
        {
            return;
        }

        switch (message.Kind)
        {
            case "message":
                await _onMessage(message.Channel, message.Payload).ConfigureAwait(false);
                break;
            case "subscribe" or "unsubscribe":
                TaskCompletionSource? confirmed = null;
                lock (_confirmations)
                {
                    if (_confirmations.TryGetValue(message.Kind + " " + message.Channel, out var queue) && queue.TryDequeue(out confirmed) && queue.Count == 0)
                    {
                        _confirmations.Remove(message.Kind + " " + message.Channel);
                    }
                }

                confirmed?.TrySetResult();
                break;
        }
    }

    private protected override void OnLinkClosed(RedisLink link, RedisConnectionException reason)
    {
        TaskCompletionSource[] waiting;
        lock (_confirmations)
        {
            waiting = [.. _confirmations.Values.SelectMany(queue => queue)];
            _confirmations.Clear();
        }

        foreach (var confirmation in waiting)
        {
            confirmation.TrySetException(reason);
        }
    }

    private async Task SendAndConfirmAsync(string command, string channel, CancellationToken cancellationToken)
    {
        var link = Link ?? throw NotConnected();
        var confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = command.ToLowerInvariant() + " " + channel;
        lock (_confirmations)
        {
            if (!_confirmations.TryGetValue(key, out var queue))
            {
                _confirmations[key] = queue = new Queue<TaskCompletionSource>();
            }

            queue.Enqueue(confirmed);
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await link.WriteAsync(RedisLink.Encode([command, channel]), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Abort(link);
            throw new RedisConnectionException($"cannot send to Redis at {Options.Address}: {e.Message}", e);
        }
        finally
        {
            _writeLock.Release();
        }

        try
        {
            await confirmed.Task.WaitAsync(Options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new RedisTimeoutException($"Redis at {Options.Address} did not confirm {command} {channel} within {Options.CommandTimeout.TotalSeconds:0.###} s", e);
        }
    }

    /// <summary>A Pub/Sub event: RESP2 arrays and RESP3 pushes of [kind, channel, payload-or-count].</summary>
    internal static (string Kind, string Channel, ReadOnlyMemory<byte> Payload)? Parse(RespValue value)
    {
        if (value.Type is not (RespType.Array or RespType.Push) || value.Items.Count < 3)
        {
            return null;
        }

        var kind = value.Items[0].AsString();
        var channel = value.Items[1].AsString();
        return kind is null || channel is null ? null : (kind, channel, value.Items[2].Bytes);
    }
}
