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

            var (action, delay) = _planner.Plan(outcome);
            if (action == ReconnectAction.Stop)
            {
                ClientLog.Stopped(_logger, outcome.CloseCode, outcome.CloseReason);
                Terminate(outcome.CloseCode, outcome.CloseReason, outcome.Error);
                return;
            }

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

    private async Task<ConnectionOutcome> RunConnectionAsync(Uri url, CancellationToken cancellationToken)
    {
        var (token, tokenError) = await _dialer.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (token is null)
        {
            return ConnectionOutcome.Failed(tokenError!);
        }

        var socket = _dialer.CreateSocket(token);
        using var connection = new EdgeConnection(socket);
        using var connectionCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? error = null;
        Task watchdog = Task.CompletedTask;
        try
        {
            await _dialer.ConnectAsync(socket, url, cancellationToken).ConfigureAwait(false);
            connection.Touch();
            watchdog = LivenessWatchdog.WatchAsync(connection, _options, _logger, connectionCts.Token);
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

            foreach (var line in FrameLines.Split(bytes))
            {
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
            case "msg" when frame.Message is { } message && _rooms.Route(message.Channel) is { } subscription:
                await subscription.OnMessageAsync(message, busy, cancellationToken).ConfigureAwait(false);
                break;
            case "unsubscribed" when frame.Channel is { } channel && _rooms.Route(channel) is { IsAutomatic: false } ended:
                // The edge ended it (its subscribe token expired): the enumeration ends with the reason.
                _rooms.Remove(ended);
                ended.Complete(new RealtimeSubscribeException(channel, frame.Reason ?? "unsubscribed", "the edge ended the subscription; subscribe again with a fresh subscribe token"));
                break;
            case "join" or "leave" when frame.Presence is { } presence && _rooms.Route(presence.Channel) is { } member:
                member.OnPresence(frame.Op == "join", presence);
                break;
            default:
                // ping, replies to unsubscribe, messages of channels just left.
                break;
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

            foreach (var room in _rooms.Rooms)
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

        _rooms.Remove(subscription);
        subscription.Fail(new RealtimeSubscribeException(subscription.Channel, reply.ErrorCode ?? "error", reply.ErrorMessage ?? string.Empty));
    }
}
