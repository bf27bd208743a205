using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.Options;
using Realtime.Edge.Auth;
using Realtime.Edge.Hosting;
using Realtime.Edge.Presence;
using Realtime.Edge.Protocol;

namespace Realtime.Edge.Connections;

/// <summary>
/// The <c>/ws</c> endpoint: authenticates, accepts the WebSocket (subprotocol
/// <c>realtime.v1.json</c>), joins the user and broadcast channels, then runs the command
/// loop until either side closes.
/// </summary>
public sealed partial class ConnectionHandler(
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

            var user = await commands.JoinAutomaticAsync(connection, ChannelName.User(identity.UserId).Value, aborted);
            var broadcast = await commands.JoinAutomaticAsync(connection, ChannelName.Broadcast.Value, aborted);
            connection.TryEnqueue(Frames.Welcome(realtime.Value.ServerId, connection.Id, identity.UserId, o.PingIntervalSeconds * 1000));
            user.EndBuffering();
            broadcast.EndBuffering();
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
            await commands.LeaveAllAsync(connection);
            await presence.LeftAsync(connection, presence.ConnectionsOf(identity.UserId));
            connection.Complete();
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
                var length = 0;
                var result = first;
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close)
                {
                    if (length >= max)
                    {
                        connection.RequestClose(CloseCodes.MessageTooBig, $"messages are limited to {max} bytes");
                        await DrainUntilClosedAsync(socket, buffer, connection, cancellationToken);
                        return;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length, max - length), cancellationToken);
                    length += result.Count;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    connection.RequestClose(WebSocketCloseStatus.NormalClosure, "bye");
                    return;
                }

                if (connection.IsClosing)
                {
                    // A close was requested (slow consumer, drain, expiry); wait for the peer's close.
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    connection.RequestClose(CloseCodes.UnsupportedData, "the protocol is JSON text frames");
                    continue;
                }

                // A text frame may carry several commands separated by '\n'.
                var span = buffer.AsMemory(0, length);
                while (!span.IsEmpty)
                {
                    var newline = span.Span.IndexOf((byte)'\n');
                    var line = newline < 0 ? span : span[..newline];
                    span = newline < 0 ? Memory<byte>.Empty : span[(newline + 1)..];
                    if (line.Span.Trim(" \r\t"u8).IsEmpty)
                    {
                        continue;
                    }

                    var command = ClientCommand.TryParse(line.Span, out var error);
                    if (command is null)
                    {
                        commands.Refuse(connection, 0, ErrorCodes.BadRequest, error!);
                        if (!limits.TryStrike(connection))
                        {
                            metrics.RateLimited.WithLabels("malformed").Inc();
                            connection.RequestClose(CloseCodes.PolicyViolation, "too many malformed commands");
                            break;
                        }

                        continue;
                    }

                    if (!limits.TryCommand(connection))
                    {
                        metrics.RateLimited.WithLabels("commands").Inc();
                        commands.Refuse(connection, command.Id, ErrorCodes.RateLimited, $"over {options.Value.CommandsPerSecond} commands per second; slow down");
                        if (!limits.TryStrike(connection))
                        {
                            connection.RequestClose(CloseCodes.TooManyRequests, "too many requests");
                            break;
                        }

                        continue;
                    }

                    if (connection.Identity.ExpiresAt <= time.GetUtcNow())
                    {
                        connection.RequestClose(CloseCodes.TokenExpired, "token expired");
                        break;
                    }

                    await commands.ExecuteAsync(connection, command, cancellationToken);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task DrainUntilClosedAsync(WebSocket socket, byte[] buffer, Connection connection, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
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
            connection.Complete();
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Best effort.
        }
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
