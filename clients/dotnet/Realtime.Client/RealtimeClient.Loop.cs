using System.Net.WebSockets;
using Realtime.Client.Internal;
using Realtime.Client.Protocol;
using Realtime.Client.Reconnect;

namespace Realtime.Client;

/// <summary>The connection loop: connect, welcome, resubscribe, receive, decide how to reconnect.</summary>
public sealed partial class RealtimeClient
{
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        var failures = 0;
        SetState(ConnectionState.Connecting);
        while (!cancellationToken.IsCancellationRequested)
        {
            var url = _picker(attempt);
            ClientLog.Connecting(_logger, url, attempt);
            attempt++;
            var outcome = await RunConnectionAsync(url, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested || Volatile.Read(ref _closing) != 0)
            {
                return;
            }

            if (outcome.Welcomed)
            {
                failures = 0;
            }

            var action = RealtimeCloseCodes.Decide(outcome.CloseCode, _options.TokenProvider is not null);
            if (action == ReconnectAction.Stop)
            {
                ClientLog.Stopped(_logger, outcome.CloseCode, outcome.CloseReason);
                Terminate(outcome.CloseCode, outcome.CloseReason, outcome.Error);
                return;
            }

            var hint = TimeSpan.FromMilliseconds(Math.Max(0, outcome.ReconnectAfterMs ?? 0));
            var delay = action == ReconnectAction.Immediate && outcome.Welcomed
                ? hint
                : Max(_backoff.NextDelay(failures), hint);
            failures++;
            ClientLog.Reconnecting(_logger, outcome.CloseCode, outcome.CloseReason, action, (long)delay.TotalMilliseconds, outcome.Error);
            SetState(_firstWelcome.Task.IsCompleted ? ConnectionState.Reconnecting : ConnectionState.Connecting, outcome.CloseCode, outcome.CloseReason, outcome.Error);
            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task<ConnectionOutcome> RunConnectionAsync(Uri url, CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = _options.TokenProvider is { } provider
                ? await provider(cancellationToken).ConfigureAwait(false)
                : _options.Token!;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            ClientLog.TokenProviderFailed(_logger, ex);
            return new ConnectionOutcome(false, null, null, null, ex);
        }

        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(Subprotocol);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        _options.ConfigureWebSocket?.Invoke(socket.Options);
        using var connection = new EdgeConnection(socket);
        using var connectionCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? error = null;
        Task watchdog = Task.CompletedTask;
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.ConnectTimeout);
                await socket.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
            }

            connection.Touch();
            watchdog = WatchAsync(connection, connectionCts.Token);
            await ReceiveLoopAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is WebSocketException or OperationCanceledException or IOException or System.Net.Http.HttpRequestException or ObjectDisposedException)
        {
            error = connection.DeadReason is { } reason ? new TimeoutException(reason, ex) : ex;
        }
        catch (OperationCanceledException)
        {
            // Client closing.
        }
        finally
        {
            await connectionCts.CancelAsync().ConfigureAwait(false);
            await watchdog.ConfigureAwait(false);
            lock (_lock)
            {
                if (ReferenceEquals(_current, connection))
                {
                    _current = null;
                }
            }
        }

        var code = connection.DeadReason is null ? (int?)socket.CloseStatus : null;
        return new ConnectionOutcome(connection.Welcomed, code, code is null ? null : socket.CloseStatusDescription, connection.ReconnectAfterMs, error);
    }

    /// <summary>Aborts the socket when the welcome is late or nothing arrives for LivenessIntervals × ping_interval_ms.</summary>
    private async Task WatchAsync(EdgeConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var interval = connection.Welcomed && connection.PingIntervalMs > 0 ? Math.Clamp(connection.PingIntervalMs / 4, 50, 1000) : 100;
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                string? reason = null;
                if (!connection.Welcomed)
                {
                    if (connection.MillisecondsSinceLastReceive > _options.ConnectTimeout.TotalMilliseconds)
                    {
                        reason = "no welcome within " + _options.ConnectTimeout;
                    }
                }
                else if (connection.PingIntervalMs > 0 && !connection.Delivering
                    && connection.MillisecondsSinceLastReceive > connection.PingIntervalMs * _options.LivenessIntervals)
                {
                    reason = $"nothing received for {connection.MillisecondsSinceLastReceive} ms (ping interval {connection.PingIntervalMs} ms)";
                }

                if (reason is not null)
                {
                    ClientLog.Dead(_logger, reason);
                    connection.DeadReason = reason;
                    connection.Socket.Abort();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Connection over.
        }
    }

    private async Task ReceiveLoopAsync(EdgeConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (frame is not { } bytes)
            {
                if (connection.Socket.State == WebSocketState.CloseReceived)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(2));
                    try
                    {
                        await connection.CloseOutputAsync(timeout.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                    {
                        // The close code is known already.
                    }
                }

                return;
            }

            var remaining = bytes;
            while (remaining.Length > 0)
            {
                var end = remaining.Span.IndexOf((byte)'\n');
                var line = end < 0 ? remaining : remaining[..end];
                remaining = end < 0 ? ReadOnlyMemory<byte>.Empty : remaining[(end + 1)..];
                if (line.Span.Trim((byte)'\r').IsEmpty)
                {
                    continue;
                }

                if (ServerFrame.Parse(line.Span) is not { } parsed)
                {
                    ClientLog.BadFrame(_logger);
                    continue;
                }

                await HandleAsync(connection, parsed, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task HandleAsync(EdgeConnection connection, ServerFrame frame, CancellationToken cancellationToken)
    {
        Action<bool> busy = value =>
        {
            connection.Delivering = value;
            if (!value)
            {
                connection.Touch();
            }
        };
        switch (frame.Op)
        {
            case "welcome":
                await OnWelcomeAsync(connection, frame, cancellationToken).ConfigureAwait(false);
                break;
            case "reconnect":
                ClientLog.ReconnectHint(_logger, frame.AfterMs, frame.Reason);
                connection.ReconnectAfterMs = frame.AfterMs;
                break;
            case "reply" when connection.PendingSubscribes.TryRemove(frame.Id, out var pending):
                await OnSubscribeReplyAsync(connection, pending.Subscription, pending.SentSince, frame, busy, cancellationToken).ConfigureAwait(false);
                break;
            case "msg" when frame.Message is { } message && Route(message.Channel) is { } subscription:
                await subscription.OnMessageAsync(message, busy, cancellationToken).ConfigureAwait(false);
                break;
            case "unsubscribed" when frame.Channel is { } channel && Route(channel) is { IsAutomatic: false } ended:
                // The edge ended it (its subscribe token expired): the enumeration ends with the reason.
                Remove(ended);
                ended.Complete(new RealtimeSubscribeException(channel, frame.Reason ?? "unsubscribed", "the edge ended the subscription; subscribe again with a fresh subscribe token"));
                break;
            default:
                // ping, replies to unsubscribe, messages of channels just left.
                break;
        }
    }

    private Subscription? Route(string channel)
    {
        if (channel == Broadcasts.Channel)
        {
            return Broadcasts;
        }

        if (channel == UserMessages.Channel)
        {
            return UserMessages;
        }

        lock (_lock)
        {
            return _rooms.GetValueOrDefault(channel);
        }
    }

    private async Task OnWelcomeAsync(EdgeConnection connection, ServerFrame welcome, CancellationToken cancellationToken)
    {
        if (connection.Welcomed)
        {
            return;
        }

        connection.Welcomed = true;
        connection.PingIntervalMs = welcome.PingIntervalMs;
        ServerId = welcome.Server;
        if (welcome.User is { } user && UserId != user)
        {
            UserId = user;
            UserMessages.Channel = "user:" + user;
        }

        ClientLog.Connected(_logger, welcome.Server, welcome.User, welcome.PingIntervalMs);
        var commands = new List<byte[]>();
        lock (_lock)
        {
            _current = connection;
            if (_options.RecoverAutomaticChannels)
            {
                if (welcome.User is not null)
                {
                    commands.Add(PrepareSubscribe(connection, UserMessages));
                }

                commands.Add(PrepareSubscribe(connection, Broadcasts));
            }

            foreach (var room in _rooms.Values)
            {
                if (!ReferenceEquals(room.BoundTo, connection))
                {
                    commands.Add(PrepareSubscribe(connection, room));
                }
            }
        }

        SetState(ConnectionState.Connected);
        _firstWelcome.TrySetResult();
        if (commands.Count > 0)
        {
            await connection.SendAsync(commands, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task OnSubscribeReplyAsync(EdgeConnection connection, Subscription subscription, bool sentSince, ServerFrame reply, Action<bool> busy, CancellationToken cancellationToken)
    {
        if (subscription.IsDisposed)
        {
            return;
        }

        if (reply.Ok)
        {
            if (sentSince)
            {
                ClientLog.Resubscribed(_logger, subscription.Channel, reply.Recovered == true);
            }

            await subscription.OnReplyAsync(reply, sentSince, busy, cancellationToken).ConfigureAwait(false);
            return;
        }

        ClientLog.SubscribeRefused(_logger, subscription.Channel, reply.ErrorCode, reply.ErrorMessage);
        if (reply.ErrorCode == "unavailable" && (sentSince || subscription.IsAutomatic))
        {
            // The broker is down on that edge: start over (with backoff) rather than lose the channel.
            connection.DeadReason = "resubscribe unavailable";
            connection.Socket.Abort();
            return;
        }

        if (subscription.IsAutomatic)
        {
            return;
        }

        Remove(subscription);
        subscription.Fail(new RealtimeSubscribeException(subscription.Channel, reply.ErrorCode ?? "error", reply.ErrorMessage ?? string.Empty));
    }

    private sealed record ConnectionOutcome(bool Welcomed, int? CloseCode, string? CloseReason, int? ReconnectAfterMs, Exception? Error);
}
