using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pulse.Redis.Resp;

namespace Pulse.Redis.Client;

/// <summary>
/// Keeps one <see cref="RedisLink"/> open: connects, reads values until the link breaks, then reconnects with
/// backoff, forever until disposed. Subclasses say what a new link needs and what values mean.
/// </summary>
public abstract partial class ReconnectingLink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Backoff _backoff;
    private readonly ILogger _logger;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private volatile RedisLink? _link;
    private volatile string _lastError = "not connected yet";

    /// <summary>Creates the link keeper; call <see cref="Start"/> to connect.</summary>
    protected ReconnectingLink(RedisOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options.Clone();
        _backoff = new Backoff(options.ReconnectDelay, options.MaxReconnectDelay);
        _logger = (ILogger?)loggerFactory?.CreateLogger(GetType()) ?? NullLogger.Instance;
    }

    /// <summary>The server's settings.</summary>
    public RedisOptions Options { get; }

    /// <summary>Whether a link is open now.</summary>
    public bool IsConnected => _link is not null;

    /// <summary>Why the last attempt failed or the last link broke, for messages.</summary>
    public string LastError => _lastError;

    /// <summary>Raised (on the read loop) after every successful connection, the first included.</summary>
    public event EventHandler? Connected;

    /// <summary>Raised when an open link breaks.</summary>
    public event EventHandler? Disconnected;

    /// <summary>Completes after the first connection attempt, whether it succeeded or not.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    /// <summary>The open link, or null.</summary>
    internal RedisLink? Link => _link;

    /// <summary>Starts connecting in the background. Calling it again does nothing.</summary>
    public void Start() => _loop ??= Task.Run(RunAsync);

    /// <summary>Completes once a link is open (immediately if one is).</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken = default) => Volatile.Read(ref _connected).Task.WaitAsync(cancellationToken);

    /// <summary>Closes the link and stops reconnecting.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_link is { } link)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs on each new link before it is handed out (resubscribing, for instance).</summary>
    private protected virtual Task OnLinkOpenedAsync(RedisLink link, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Handles one value read from the link, in order.</summary>
    private protected abstract ValueTask HandleValueAsync(RedisLink link, RespValue value);

    /// <summary>The link broke: fail whatever waited on it.</summary>
    private protected abstract void OnLinkClosed(RedisLink link, RedisConnectionException reason);

    /// <summary>An exception saying the server is not reachable now, and why.</summary>
    private protected RedisConnectionException NotConnected() => new($"not connected to Redis at {Options.Address}: {_lastError}");

    /// <summary>Closes a link that misbehaved; the loop reconnects.</summary>
    private protected static void Abort(RedisLink link) => _ = link.DisposeAsync().AsTask();

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            RedisLink link;
            try
            {
                link = await RedisLink.ConnectAsync(Options, stopping).ConfigureAwait(false);
                await OnLinkOpenedAsync(link, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                _firstAttempt.TrySetResult();
                return;
            }
            catch (Exception e) when (e is RedisException or IOException or System.Net.Sockets.SocketException or RespProtocolException or TimeoutException)
            {
                _lastError = e.Message;
                _firstAttempt.TrySetResult();
                Log.ConnectFailed(_logger, Options.Address, e.Message);
                await DelayAsync(stopping).ConfigureAwait(false);
                continue;
            }

            _backoff.Reset();
            _link = link;
            Log.ConnectedTo(_logger, Options.Address);
            Volatile.Read(ref _connected).TrySetResult();
            _firstAttempt.TrySetResult();
            Connected?.Invoke(this, EventArgs.Empty);
            var reason = await ReadUntilClosedAsync(link, stopping).ConfigureAwait(false);
            _lastError = reason;
            Volatile.Write(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _link = null;
            await link.DisposeAsync().ConfigureAwait(false);
            OnLinkClosed(link, new RedisConnectionException($"the connection to Redis at {Options.Address} broke: {reason}"));
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            Log.ConnectionLost(_logger, Options.Address, reason);
            Disconnected?.Invoke(this, EventArgs.Empty);
            await DelayAsync(stopping).ConfigureAwait(false);
        }
    }

    private async Task<string> ReadUntilClosedAsync(RedisLink link, CancellationToken stopping)
    {
        try
        {
            while (await link.ReadAsync(stopping).ConfigureAwait(false) is { } value)
            {
                await HandleValueAsync(link, value).ConfigureAwait(false);
            }

            return "the server closed the connection";
        }
        catch (OperationCanceledException)
        {
            return "closed";
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or RespProtocolException or System.Net.Sockets.SocketException)
        {
            return e.Message;
        }
    }

    private async Task DelayAsync(CancellationToken stopping)
    {
        try
        {
            await Task.Delay(_backoff.Next(Random.Shared.NextDouble()), stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Connected to Redis at {Address}", EventName = "RedisConnected")]
        public static partial void ConnectedTo(ILogger logger, string address);

        [LoggerMessage(2, LogLevel.Warning, "Cannot connect to Redis at {Address}: {Reason}; retrying", EventName = "RedisConnectFailed")]
        public static partial void ConnectFailed(ILogger logger, string address, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Lost the connection to Redis at {Address}: {Reason}; reconnecting", EventName = "RedisConnectionLost")]
        public static partial void ConnectionLost(ILogger logger, string address, string reason);
    }
}
