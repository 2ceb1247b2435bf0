using System.Buffers.Text;
using Pulse.Hub.Client;

namespace Pulse.Cli.Soak;

/// <summary>
/// A hub client that stays subscribed to the soak's main channel for the whole run, through every cut and
/// reconnection, and books what its handler gets: each offset once (a bitmap), duplicates, gaps the client
/// reported (recovery failed), and a fingerprint of (offset, data) pairs to compare with the publisher's.
/// </summary>
internal sealed class VerifiedSubscriber : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly bool[] _seen;
    private readonly List<(long After, long UpTo)> _gaps = [];
    private HubClient? _client;
    private Subscription? _subscription;
    private long _handledUpTo;

    private VerifiedSubscriber(int capacity) => _seen = new bool[capacity + 1];

    /// <summary>The highest offset handled (or skipped over by a reported gap): every one below it has been dealt with.</summary>
    public long HandledUpTo => Interlocked.Read(ref _handledUpTo);

    public long Received { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Messages whose offset or data could not have been published (out of range, not a number).</summary>
    public long Corrupt { get; private set; }

    public long Reconnections { get; private set; }

    /// <summary>XOR of <see cref="SoakRun.Fingerprint"/> over every (offset, data) received once.</summary>
    public ulong Fingerprint { get; private set; }

    public IReadOnlyList<(long After, long UpTo)> Gaps
    {
        get
        {
            lock (_lock)
            {
                return [.. _gaps];
            }
        }
    }

    public static async Task<VerifiedSubscriber> StartAsync(Uri uri, string channel, int capacity, HubClientOptions options, CancellationToken cancellationToken)
    {
        var subscriber = new VerifiedSubscriber(capacity);
        subscriber._client = await HubClient.ConnectAsync(uri, options, cancellationToken).ConfigureAwait(false);
        subscriber._client.Connected += (_, _) => subscriber.Reconnections++;
        subscriber._subscription = await subscriber._client.SubscribeAsync(
            channel,
            subscriber.OnMessage,
            new SubscribeOptions { OnRecoveryFailed = subscriber.OnRecoveryFailed },
            cancellationToken).ConfigureAwait(false);
        return subscriber;
    }

    /// <summary>Whether <paramref name="offset"/> was received (not merely skipped by a gap).</summary>
    public bool HasReceived(long offset) => offset < _seen.Length && _seen[offset];

    public bool InGap(long offset)
    {
        lock (_lock)
        {
            return _gaps.Any(g => offset > g.After && offset <= g.UpTo);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ValueTask OnMessage(HubMessage message)
    {
        lock (_lock)
        {
            var offset = message.Offset;
            if (offset <= 0 || offset >= _seen.Length || !Utf8Parser.TryParse(message.Data.Span, out long sequence, out var used) || used != message.Data.Length)
            {
                Corrupt++;
            }
            else if (_seen[offset])
            {
                Duplicates++;
            }
            else
            {
                _seen[offset] = true;
                Received++;
                Fingerprint ^= SoakRun.Fingerprint(offset, sequence);
            }

            if (offset > _handledUpTo)
            {
                Interlocked.Exchange(ref _handledUpTo, offset);
            }
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnRecoveryFailed(RecoveryFailedContext context)
    {
        lock (_lock)
        {
            _gaps.Add((context.Since?.Offset ?? 0, context.Position.Offset));
            if (context.Position.Offset > _handledUpTo)
            {
                Interlocked.Exchange(ref _handledUpTo, context.Position.Offset);
            }
        }

        return ValueTask.CompletedTask;
    }
}
