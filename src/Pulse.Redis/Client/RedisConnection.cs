using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pulse.Redis.Resp;

namespace Pulse.Redis.Client;

/// <summary>
/// The command connection: one socket shared by every caller. Commands are written in order under a lock and
/// their replies matched to them in the same order (pipelining), so many callers never wait on each other's
/// round trips. Reconnects with backoff when the connection breaks; commands sent meanwhile fail at once
/// with <see cref="RedisConnectionException"/>.
/// </summary>
public sealed class RedisConnection : ReconnectingLink, IRedisClient
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<RedisLink, PendingReplies> _pending = new();

    /// <summary>Creates the connection; <see cref="ReconnectingLink.Start"/> connects.</summary>
    public RedisConnection(RedisOptions options, ILoggerFactory? loggerFactory = null)
        : base(options, loggerFactory)
    {
    }

    /// <summary>Creates a connection and waits for it to open.</summary>
    /// <exception cref="RedisConnectionException">The first attempt failed.</exception>
    public static async Task<RedisConnection> ConnectAsync(RedisOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var connection = new RedisConnection(options, loggerFactory);
        connection.Start();
        try
        {
            await connection.FirstAttempt.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (!connection.IsConnected)
        {
            var error = connection.LastError;
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new RedisConnectionException(error.StartsWith("cannot connect", StringComparison.Ordinal) ? error : $"cannot connect to Redis at {options.Address}: {error}");
        }

        return connection;
    }

    /// <inheritdoc/>
    public async Task<RespValue> ExecuteAsync(RedisArg[] command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var reply = (await SendAsync([command], cancellationToken).ConfigureAwait(false))[0];
        return reply.IsError ? throw new RedisErrorException(command[0].ToString(), reply.AsString() ?? "") : reply;
    }

    /// <inheritdoc/>
    public Task<RespValue[]> ExecuteBatchAsync(IReadOnlyList<RedisArg[]> commands, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return commands.Count == 0 ? Task.FromResult(Array.Empty<RespValue>()) : SendAsync(commands, cancellationToken);
    }

    private protected override ValueTask HandleValueAsync(RedisLink link, RespValue value)
    {
        // RESP3 may push out-of-band data (client tracking); it answers no command.
        if (value.Type != RespType.Push && _pending.TryGetValue(link, out var pending))
        {
            pending.Complete(value);
        }

        return ValueTask.CompletedTask;
    }

    private protected override void OnLinkClosed(RedisLink link, RedisConnectionException reason)
    {
        if (_pending.TryRemove(link, out var pending))
        {
            pending.FailAll(reason);
        }
    }

    private async Task<RespValue[]> SendAsync(IReadOnlyList<RedisArg[]> commands, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        foreach (var command in commands)
        {
            RespWriter.WriteCommand(buffer, command);
        }

        var replies = new TaskCompletionSource<RespValue>[commands.Count];
        for (var i = 0; i < replies.Length; i++)
        {
            replies[i] = new TaskCompletionSource<RespValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var link = Link ?? throw NotConnected();
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Queued before writing, under the write lock: replies come back in the order commands were written.
            var pending = _pending.GetOrAdd(link, static _ => new PendingReplies());
            if (!pending.TryEnqueue(replies) || Link != link)
            {
                throw NotConnected();
            }

            await link.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
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

        var results = new RespValue[replies.Length];
        try
        {
            for (var i = 0; i < replies.Length; i++)
            {
                results[i] = await replies[i].Task.WaitAsync(Options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (TimeoutException e)
        {
            var name = commands[0][0].ToString();
            throw new RedisTimeoutException($"Redis at {Options.Address} did not answer {name} within {Options.CommandTimeout.TotalSeconds:0.###} s", e);
        }

        return results;
    }

    /// <summary>The replies one link still owes, oldest first.</summary>
    private sealed class PendingReplies
    {
        private readonly Queue<TaskCompletionSource<RespValue>> _queue = new();
        private bool _closed;

        public bool TryEnqueue(TaskCompletionSource<RespValue>[] replies)
        {
            lock (_queue)
            {
                if (_closed)
                {
                    return false;
                }

                foreach (var reply in replies)
                {
                    _queue.Enqueue(reply);
                }

                return true;
            }
        }

        public void Complete(RespValue value)
        {
            TaskCompletionSource<RespValue>? next;
            lock (_queue)
            {
                _queue.TryDequeue(out next);
            }

            next?.TrySetResult(value);
        }

        public void FailAll(Exception reason)
        {
            TaskCompletionSource<RespValue>[] waiting;
            lock (_queue)
            {
                _closed = true;
                waiting = [.. _queue];
                _queue.Clear();
            }

            foreach (var reply in waiting)
            {
                reply.TrySetException(reason);
            }
        }
    }
}
