using System.Text.RegularExpressions;
using Grpc.Core;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.Events;
using Realtime.V1;
using CoreEvent = Realtime.Core.Events.LifecycleEvent;
using WireEvent = Realtime.V1.LifecycleEvent;

namespace Realtime.Dispatcher.Events;

/// <summary>
/// <c>realtime.v1.Events</c>: the lifecycle event stream (a poll of the Redis stream after a
/// cursor, so a resumed watch continues exactly after the last event it delivered), occupancy
/// counters and where a user is connected. FAILED_PRECONDITION without Redis (events need it).
/// </summary>
internal sealed partial class EventsService(IServiceProvider services, EventMetrics metrics, ILogger<EventsService> logger) : Realtime.V1.Events.EventsBase
{
    private const int PageSize = 500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly IEventLog? _log = services.GetService<IEventLog>();

    public override async Task WatchEvents(WatchEventsRequest request, IServerStreamWriter<WireEvent> responseStream, ServerCallContext context)
    {
        var log = RequireLog();
        var filter = EventFilter.Create(request.EventTypes, request.ChannelPattern);
        if (!string.IsNullOrEmpty(request.Cursor) && request.Cursor != "0" && !CursorShape().IsMatch(request.Cursor))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "cursor: an event's cursor (e.g. 1733616000000-0), \"0\" for the oldest retained, or empty for now"));
        }

        var token = context.CancellationToken;
        metrics.Watchers.Inc();
        try
        {
            var cursor = string.IsNullOrEmpty(request.Cursor) ? await Guard(() => log.LatestCursorAsync(token)) : request.Cursor;
            if (request.Cursor is { Length: > 0 } and not "0" && await Guard(() => log.IsTrimmedAfterAsync(request.Cursor, token)))
            {
                throw new RpcException(new Status(StatusCode.OutOfRange,
                    "cursor: its event is no longer retained (Realtime:Events:MaxLength), so events after it may be too; resume from \"0\" (the oldest retained) and reconcile, or from empty (now)"));
            }
            while (!token.IsCancellationRequested)
            {
                var page = await Guard(() => log.ReadAsync(cursor, PageSize, token));
                foreach (var e in page.Events)
                {
                    if (filter.Matches(e))
                    {
                        await responseStream.WriteAsync(ToWire(e), token);
                    }
                }

                cursor = page.Cursor;
                if (page.Events.Count < PageSize)
                {
                    await Task.Delay(PollInterval, token);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The watcher went away.
        }
        finally
        {
            metrics.Watchers.Dec();
        }
    }

    public override async Task<GetPresenceStatsResponse> GetPresenceStats(GetPresenceStatsRequest request, ServerCallContext context)
    {
        var log = RequireLog();
        if (!ChannelName.TryParse(request.Channel, out var channel, out var error))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "channel: " + error));
        }

        var occupancy = await Guard(() => log.GetOccupancyAsync(channel.Value.Value, context.CancellationToken));
        return new GetPresenceStatsResponse { Clients = occupancy.Clients, Users = occupancy.Users };
    }

    public override async Task<GetUserConnectionsResponse> GetUserConnections(GetUserConnectionsRequest request, ServerCallContext context)
    {
        var log = RequireLog();
        if (!ChannelName.TryParse("user:" + request.User, out _, out var error))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "user: " + error));
        }

        var connections = await Guard(() => log.GetUserConnectionsAsync(request.User, context.CancellationToken));
        var response = new GetUserConnectionsResponse();
        foreach (var c in connections)
        {
            var wire = new Realtime.V1.UserConnection { ConnectionId = c.Connection, Server = c.Server };
            wire.Channels.AddRange(c.Channels);
            response.Connections.Add(wire);
        }

        return response;
    }

    internal static WireEvent ToWire(CoreEvent e) => new()
    {
        Cursor = e.Id,
        Type = e.Type,
        Server = e.Server,
        User = e.User,
        ConnectionId = e.Connection,
        Channel = e.Channel,
        Reason = e.Reason,
        Code = e.Code,
        TimeMs = e.TimeMs,
        Seq = e.Seq,
    };

    private IEventLog RequireLog() =>
        _log ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "lifecycle events need Redis (clustering is off)"));

    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (BusUnavailableException ex)
        {
            Log.Unavailable(logger, ex);
            throw new RpcException(new Status(StatusCode.Unavailable, "Redis is unavailable; retry with backoff (resume from your last cursor)"));
        }
    }

    [GeneratedRegex(@"^\d{1,20}-\d{1,20}$")]
    private static partial Regex CursorShape();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Event stream unavailable")]
        public static partial void Unavailable(ILogger logger, Exception exception);
    }
}
