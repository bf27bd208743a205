using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Realtime.Client.Internal;
using Realtime.Client.Protocol;
using Realtime.Client.Reconnect;

namespace Realtime.Client;

/// <summary>
/// A connection to the Realtime edges (protocol <c>realtime.v1.json</c>) that stays up: it
/// reconnects with exponential backoff and full jitter, follows the close-code table and the
/// edge's <c>reconnect</c> hints, renews the token, resubscribes every channel with
/// <c>since</c> and hands each subscription its messages in order without duplicates.
/// </summary>
public sealed partial class RealtimeClient : IAsyncDisposable
{
    public const string Subprotocol = "realtime.v1.json";

    private readonly RealtimeClientOptions _options;
    private readonly ILogger _logger;
    private readonly Func<int, Uri> _picker;
    private readonly ReconnectPlanner _planner;
    private readonly EdgeDialer _dialer;
    private readonly Lock _lock = new();
    private readonly RoomRegistry _rooms;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _firstWelcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _run;
    private EdgeConnection? _current;
    private ConnectionState _state = ConnectionState.Disconnected;
    private int _closing;

    public RealtimeClient(RealtimeClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = options.Logger;
        _picker = options.BuildPicker();
        _planner = new ReconnectPlanner(new BackoffPolicy(options.MinReconnectDelay, options.MaxReconnectDelay), canRenewToken: options.TokenProvider is not null);
        _dialer = new EdgeDialer(options, _logger);
        UserMessages = new Subscription(this, "user:", null, options.SubscriptionCapacity, automatic: true);
        Broadcasts = new Subscription(this, "broadcast", null, options.SubscriptionCapacity, automatic: true);
        _rooms = new RoomRegistry(_lock, UserMessages, Broadcasts);
    }

    /// <summary>Raised on every state change (on the client's loop: keep handlers short).</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    public ConnectionState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>The edge this client is connected to (the <c>server</c> of the last welcome).</summary>
    public string? ServerId { get; private set; }

    /// <summary>The user id the edge took from the token (the <c>user</c> of the last welcome).</summary>
    public string? UserId { get; private set; }

    /// <summary>The close code that ended the client, when <see cref="State"/> is <see cref="ConnectionState.Closed"/>.</summary>
    public int? CloseCode { get; private set; }

    public string? CloseReason { get; private set; }

    /// <summary>Messages to the user channel <c>user:{sub}</c> (joined automatically).</summary>
    public Subscription UserMessages { get; }

    /// <summary>Messages to <c>broadcast</c> (joined automatically).</summary>
    public Subscription Broadcasts { get; }

    /// <summary>
    /// Starts the client and waits for the first <c>welcome</c>. Transient failures are retried
    /// with backoff; a close that must not be retried throws <see cref="RealtimeConnectionException"/>.
    /// Cancelling closes the client.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closing != 0, this);
            if (_run is not null)
            {
                throw new InvalidOperationException("ConnectAsync was already called.");
            }

            _run = Task.Run(() => RunAsync(_lifetime.Token), CancellationToken.None);
        }

        try
        {
            await _firstWelcome.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CloseAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Joins a room (<c>room:lobby</c> or just <c>lobby</c>) and waits for the edge's answer.</summary>
    public Task<Subscription> SubscribeAsync(string channel, CancellationToken cancellationToken = default) =>
        SubscribeAsync(channel, null, cancellationToken);

    /// <summary>
    /// Joins a room, optionally with a per-channel subscribe token. Throws
    /// <see cref="RealtimeSubscribeException"/> when the edge refuses (e.g. <c>forbidden</c>).
    /// If the client is reconnecting, the subscribe is sent on the next connection.
    /// </summary>
    public async Task<Subscription> SubscribeAsync(string channel, string? subscribeToken, CancellationToken cancellationToken = default)
    {
        var name = RoomRegistry.NormalizeRoom(channel);
        var subscription = new Subscription(this, name, subscribeToken, _options.SubscriptionCapacity, automatic: false);
        EdgeConnection? connection;
        byte[]? command = null;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closing != 0 || _state == ConnectionState.Closed, this);
            if (_run is null)
            {
                throw new InvalidOperationException("Call ConnectAsync before SubscribeAsync.");
            }

            if (!_rooms.TryAdd(subscription))
            {
                throw new InvalidOperationException($"Already subscribed to {name}; dispose that subscription first.");
            }

            connection = _current;
            if (connection is not null)
            {
                command = PrepareSubscribe(connection, subscription);
            }
        }

        try
        {
            if (connection is not null)
            {
                try
                {
                    await connection.SendAsync([command!], cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
                {
                    // The connection is going away; the next one sends the subscribe.
                }
            }

            await subscription.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
            return subscription;
        }
        catch
        {
            _rooms.Remove(subscription);
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until <see cref="State"/> is <paramref name="state"/>.</summary>
    public async Task WaitForStateAsync(ConnectionState state, CancellationToken cancellationToken = default)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(object? sender, ConnectionStateChangedEventArgs e)
        {
            if (e.State == state)
            {
                reached.TrySetResult();
            }
        }

        StateChanged += OnChange;
        try
        {
            if (State == state)
            {
                return;
            }

            await reached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StateChanged -= OnChange;
        }
    }

    /// <summary>Closes the connection (1000) and stops reconnecting; every subscription's stream ends.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            if (_run is { } running)
            {
                await running.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        EdgeConnection? connection;
        Task? run;
        lock (_lock)
        {
            connection = _current;
            run = _run;
        }

        if (connection is not null && run is not null)
        {
            // A polite close: the edge echoes it and the receive loop ends by itself.
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                await connection.CloseOutputAsync(timeout.Token).ConfigureAwait(false);
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(3), cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Closing anyway.
            }
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }

        Terminate(RealtimeCloseCodes.Normal, "closed by the client", null);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _lifetime.Dispose();
    }

    internal void OnHandlerError(Exception error) => ClientLog.HandlerFailed(_logger, error);

    internal async ValueTask UnsubscribeAsync(Subscription subscription)
    {
        EdgeConnection? connection = null;
        lock (_lock)
        {
            if (!_rooms.Remove(subscription))
            {
                return;
            }

            if (_current is { } current && ReferenceEquals(subscription.BoundTo, current))
            {
                connection = current;
            }
        }

        if (connection is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await connection.SendAsync([ClientCommands.Unsubscribe(connection.NextId(), subscription.Channel)], timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone, and with it the membership.
        }
    }

    /// <summary>Builds the subscribe command for a subscription on a connection (call under the lock or on the loop).</summary>
    private static byte[] PrepareSubscribe(EdgeConnection connection, Subscription subscription)
    {
        subscription.BoundTo = connection;
        var sentSince = subscription.Cursor.BeginSubscribe();
        var id = connection.NextId();
        connection.PendingSubscribes[id] = (subscription, sentSince);
        return ClientCommands.Subscribe(
            id,
            subscription.Channel,
            subscription.Cursor.Epoch,
            sentSince ? subscription.Cursor.SinceOffset : null,
            subscription.IsAutomatic ? null : subscription.SubscribeToken);
    }

    private void SetState(ConnectionState state, int? closeCode = null, string? closeReason = null, Exception? error = null)
    {
        ConnectionStateChangedEventArgs args;
        lock (_lock)
        {
            if (_state == state || _state == ConnectionState.Closed)
            {
                return;
            }

            args = new ConnectionStateChangedEventArgs(state, _state, state == ConnectionState.Connected ? ServerId : null, closeCode, closeReason, error);
            _state = state;
        }

        try
        {
            StateChanged?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            OnHandlerError(ex);
        }
    }

    private void Terminate(int? closeCode, string? closeReason, Exception? error)
    {
        Subscription[] subscriptions;
        lock (_lock)
        {
            if (_state == ConnectionState.Closed)
            {
                return;
            }

            CloseCode = closeCode;
            CloseReason = closeReason;
            subscriptions = _rooms.TakeAll();
        }

        SetState(ConnectionState.Closed, closeCode, closeReason, error);
        var failure = closeCode == RealtimeCloseCodes.Normal && error is null
            ? null
            : new RealtimeConnectionException($"The connection was closed with {closeCode} ({closeReason}) and is not retried.", closeCode, closeReason);
        if (failure is null)
        {
            _firstWelcome.TrySetCanceled();
        }
        else
        {
            _firstWelcome.TrySetException(failure);
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Complete(failure);
        }
    }
}
