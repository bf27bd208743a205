using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.Options;
using Realtime.Edge.Auth;
using Realtime.Edge.Events;
using Realtime.Edge.Hosting;
using Realtime.Edge.Presence;
using Realtime.Edge.Protocol;

namespace Realtime.Edge.Connections;

/// <summary>
/// The <c>/ws</c> endpoint: authenticates, accepts the WebSocket (subprotocol
/// <c>realtime.v1.json</c>), joins the user and broadcast channels, then runs the command
/// loop until either side closes.
/// </summary>
internal sealed partial class ConnectionHandler(
    TokenValidator tokens,
    ConnectionRegistry registry,
    CommandProcessor commands,
    ClientLimits limits,
    PresenceTracker presence,
    DrainState drain,
    IOptions<EdgeOptions> options,
    IOptions<RealtimeOptions> realtime,
    TimeProvider time,
    EdgeMetrics metrics,
    ConnectionEvents events,
    ILogger<ConnectionHandler> logger)
{
    public const string Subprotocol = "realtime.v1.json";

    public async Task HandleAsync(HttpContext context)
    {
        var o = options.Value;
        if (!OriginAllowed(context.Request.Headers.Origin, o.AllowedOrigins))
        {
            metrics.ConnectionsRejected.WithLabels("origin").Inc();
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("Origin not allowed (Realtime:Edge:AllowedOrigins).");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Expected a WebSocket upgrade (subprotocol realtime.v1.json).");
            return;
        }

        if (drain.IsDraining)
        {
            await RefuseAsync(context, "draining");
            return;
        }

        // The slot is reserved atomically before anything awaits, and held for as long as this
        // request holds a socket (authentication and a refused socket's close included).
        if (!registry.TryReserve(o.MaxConnections))
        {
            await RefuseAsync(context, "full");
            return;
        }

        try
        {
            await HandleReservedAsync(context, o);
        }
        finally
        {
            registry.ReleaseReservation();
        }
    }

    private async Task HandleReservedAsync(HttpContext context, EdgeOptions o)
    {
        var auth = await tokens.ValidateConnectionTokenAsync(TokenSource.Find(context.Request));
        var offered = TokenSource.SplitProtocols(context.Request.Headers.SecWebSocketProtocol).Contains(Subprotocol);
        var accept = new WebSocketAcceptContext
        {
            SubProtocol = offered ? Subprotocol : null,
            KeepAliveInterval = TimeSpan.FromSeconds(o.PingIntervalSeconds),
            KeepAliveTimeout = TimeSpan.FromSeconds(o.PingIntervalSeconds * 2),
            DangerousEnableCompression = false,
        };
        using var socket = await context.WebSockets.AcceptWebSocketAsync(accept);

        if (auth.Identity is not { } identity)
        {
            metrics.ConnectionsRejected.WithLabels("auth").Inc();
            var (status, reason) = auth.Failure == TokenFailure.Expired
                ? (CloseCodes.TokenExpired, "token expired")
                : (CloseCodes.Unauthorized, auth.Failure == TokenFailure.Missing ? "token required" : "invalid token");
            Log.Refused(logger, reason);
            await CloseQuietlyAsync(socket, status, reason);
            return;
        }

        var connection = new Connection(Guid.NewGuid().ToString("N"), identity, socket, o.SendQueueBytes, o.MaxFrameBytes, metrics);
        registry.Add(connection);
        metrics.Connections.Inc();
        metrics.ConnectionsAccepted.Inc();
        var aborted = context.RequestAborted;
        var writer = connection.RunWriterAsync(aborted);
        try
        {
            // The welcome means "you are in user:{sub} and broadcast": both are joined first, with
            // what arrives meanwhile held back until the welcome has been queued.
            if (!await presence.TryRegisterConnectionAsync(connection, o.MaxConnectionsPerUser, aborted))
            {
                metrics.ConnectionsRejected.WithLabels("user_limit").Inc();
                connection.RequestClose(CloseCodes.TooManyRequests, $"at most {o.MaxConnectionsPerUser} connections per user");
                return;
            }

            var user = await commands.JoinAutomaticAsync(connection, ChannelName.User(identity.UserId), aborted);
            var broadcast = await commands.JoinAutomaticAsync(connection, ChannelName.Broadcast, aborted);
            connection.TryEnqueue(Frames.Welcome(realtime.Value.ServerId, connection.Id, identity.UserId, o.PingIntervalSeconds * 1000));
            user.EndBuffering();
            broadcast.EndBuffering();
            events.Connected(connection);
            await ReceiveLoopAsync(socket, connection, aborted);
        }
        catch (BusUnavailableException ex)
        {
            Log.BrokerUnavailable(logger, ex);
            connection.RequestClose(CloseCodes.ServiceRestart, "broker unavailable");
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            // The client went away.
        }
        catch (Exception ex)
        {
            Log.Unexpected(logger, ex);
            connection.RequestClose(CloseCodes.InternalError, "internal error");
        }
        finally
        {
            // Local state goes first and whatever the broker answers: each cleanup step is guarded.
            registry.Remove(connection);
            metrics.Connections.Dec();
            events.Disconnected(connection); // its channels' leave events come with it
            await commands.LeaveAllAsync(connection);
            await presence.LeftAsync(connection, presence.ConnectionsOf(identity.UserId));
            connection.EndWrites();
            try
            {
                await writer.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
            catch (TimeoutException)
            {
                socket.Abort();
            }

            connection.ReleaseQueued();
        }
    }

    private async Task RefuseAsync(HttpContext context, string reason)
    {
        metrics.ConnectionsRejected.WithLabels(reason).Inc();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "2";
        await context.Response.WriteAsync(reason == "full" ? "This edge is full; retry (another edge)." : "This edge is draining; retry (another edge).");
    }

    /// <summary>Browsers send <c>Origin</c>; with an allow-list configured, only listed origins may open a socket. No header (non-browser clients) passes.</summary>
    internal static bool OriginAllowed(Microsoft.Extensions.Primitives.StringValues origin, string[] allowed)
    {
        if (allowed.Length == 0 || origin.Count == 0)
        {
            return true;
        }

        var value = origin.ToString().TrimEnd('/');
        foreach (var entry in allowed)
        {
            if (entry == "*" || string.Equals(entry.TrimEnd('/'), value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Receives the client's messages and runs their commands until either side closes.</summary>
    private async Task ReceiveLoopAsync(WebSocket socket, Connection connection, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxIncomingMessageBytes;
        while (true)
        {
            // Wait for the next message without holding a buffer: an idle connection (most of
            // them) then costs no receive buffer at all; one is rented per message.
            var first = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
            if (first.MessageType == WebSocketMessageType.Close)
            {
                connection.RequestClose(WebSocketCloseStatus.NormalClosure, "bye");
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(max);
            try
            {
                var (type, length) = await ReceiveRestAsync(socket, first, buffer, max, cancellationToken);
                switch (type)
                {
                    case ReceivedType.Close:
                        connection.RequestClose(WebSocketCloseStatus.NormalClosure, "bye");
                        return;
                    case ReceivedType.TooBig:
                        connection.RequestClose(CloseCodes.MessageTooBig, $"messages are limited to {max} bytes");
                        await DrainUntilClosedAsync(socket, buffer, connection, cancellationToken);
                        return;
                    case ReceivedType.Binary when !connection.IsClosing:
                        connection.RequestClose(CloseCodes.UnsupportedData, "the protocol is JSON text frames");
                        break;
                    case ReceivedType.Text when !connection.IsClosing:
                        await RunCommandsAsync(connection, buffer.AsMemory(0, length), cancellationToken);
                        break;
                    default:
                        // A close was requested (slow consumer, drain, expiry); wait for the peer's close.
                        break;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Reads the rest of a message whose first (empty) read was <paramref name="first"/>, up to <paramref name="max"/> bytes.</summary>
    private static async Task<(ReceivedType Type, int Length)> ReceiveRestAsync(WebSocket socket, ValueWebSocketReceiveResult first, byte[] buffer, int max, CancellationToken cancellationToken)
    {
        var length = 0;
        var result = first;
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close)
        {
            if (length >= max)
            {
                return (ReceivedType.TooBig, length);
            }

            result = await socket.ReceiveAsync(buffer.AsMemory(length, max - length), cancellationToken);
            length += result.Count;
        }

        return result.MessageType switch
        {
            WebSocketMessageType.Close => (ReceivedType.Close, length),
            WebSocketMessageType.Binary => (ReceivedType.Binary, length),
            _ => (ReceivedType.Text, length),
        };
    }

    /// <summary>Runs the commands of one text message (several may be separated by <c>\n</c>) until one ends the connection.</summary>
    private async Task RunCommandsAsync(Connection connection, ReadOnlyMemory<byte> text, CancellationToken cancellationToken)
    {
        while (!text.IsEmpty)
        {
            var newline = text.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? ReadOnlyMemory<byte>.Empty : text[(newline + 1)..];
            if (line.Span.Trim(" \r\t"u8).IsEmpty)
            {
                continue;
            }

            var command = ClientCommand.TryParse(line.Span, out var error);
            switch (Admit(connection, command, error))
            {
                case Admission.Run:
                    await commands.ExecuteAsync(connection, command!, cancellationToken);
                    break;
                case Admission.Refused:
                    break;
                default:
                    return; // the connection is closing
            }
        }
    }

    /// <summary>Whether a parsed line may run: malformed lines and commands over the rate are refused (and strike), an expired token closes.</summary>
    private Admission Admit(Connection connection, ClientCommand? command, string? parseError)
    {
        if (command is null)
        {
            commands.Refuse(connection, 0, ErrorCodes.BadRequest, parseError!);
            if (limits.TryStrike(connection))
            {
                return Admission.Refused;
            }

            metrics.RateLimited.WithLabels("malformed").Inc();
            connection.RequestClose(CloseCodes.PolicyViolation, "too many malformed commands");
            return Admission.Closed;
        }

        if (!limits.TryCommand(connection))
        {
            metrics.RateLimited.WithLabels("commands").Inc();
            commands.Refuse(connection, command.Id, ErrorCodes.RateLimited, $"over {options.Value.CommandsPerSecond} commands per second; slow down");
            if (limits.TryStrike(connection))
            {
                return Admission.Refused;
            }

            connection.RequestClose(CloseCodes.TooManyRequests, "too many requests");
            return Admission.Closed;
        }

        if (connection.Identity.ExpiresAt <= time.GetUtcNow())
        {
            connection.RequestClose(CloseCodes.TokenExpired, "token expired");
            return Admission.Closed;
        }

        return Admission.Run;
    }

    private static async Task DrainUntilClosedAsync(WebSocket socket, byte[] buffer, Connection connection, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Connection.CloseTimeout);
        try
        {
            while (socket.State == WebSocketState.Open || socket.State == WebSocketState.CloseSent)
            {
                var r = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            connection.EndWrites();
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(Connection.CloseTimeout);
            await socket.CloseAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Best effort.
        }
    }

    private enum ReceivedType
    {
        Text,
        Binary,
        Close,
        TooBig,
    }

    private enum Admission
    {
        Run,
        Refused,
        Closed,
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Refused a connection: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);

        [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Closing a connection: broker unavailable")]
        public static partial void BrokerUnavailable(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Closing a connection after an unexpected error (1011)")]
        public static partial void Unexpected(ILogger logger, Exception exception);
    }
}
