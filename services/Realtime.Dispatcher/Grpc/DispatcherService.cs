using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.History;
using Realtime.Core.Instances;
using Realtime.Core.Options;
using Realtime.Core.Presence;
using Realtime.Dispatcher.Hosting;
using Realtime.Dispatcher.Publishing;
using Realtime.V1;
using CoreEnvelope = Realtime.Core.Messages.Envelope;

namespace Realtime.Dispatcher.Grpc;

/// <summary>
/// <c>realtime.v1.Dispatcher</c>. Errors map to status codes: INVALID_ARGUMENT for bad input,
/// UNAVAILABLE when Redis is down, UNAUTHENTICATED (in <see cref="Auth.ApiKeyMiddleware"/>, before the body is read).
/// </summary>
internal sealed partial class DispatcherService(
    Publisher publisher,
    IHistoryStore history,
    IInstanceRegistry instances,
    IPresenceStore presence,
    IOptions<DispatcherOptions> options,
    IOptions<HistoryOptions> historyOptions,
    DispatcherMetrics metrics,
    ILogger<DispatcherService> logger) : Realtime.V1.Dispatcher.DispatcherBase
{
    private const int DefaultPresencePageSize = 100;

    public override Task<PublishResponse> Publish(PublishRequest request, ServerCallContext context) =>
        Guard(() => publisher.PublishAsync(request, context.CancellationToken));

    public override Task<PublishBatchResponse> PublishBatch(PublishBatchRequest request, ServerCallContext context) => Guard(async () =>
    {
        if (request.Messages.Count == 0 || request.Messages.Count > options.Value.MaxBatchSize)
        {
            throw new PublishValidationException($"a batch carries 1..{options.Value.MaxBatchSize} messages");
        }

        // Validate everything first so that a bad message rejects the batch before anything is sent.
        var messages = new OutgoingMessage[request.Messages.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            try
            {
                messages[i] = publisher.ValidateCounted(request.Messages[i]);
            }
            catch (PublishValidationException ex)
            {
                throw new PublishValidationException($"messages[{i}]: {ex.Message}", ex);
            }
        }

        // Pipelined: every script is sent before any answer is awaited; Redis runs them in order.
        var sends = new Task<PublishResponse>[messages.Length];
        Task? previous = null;
        for (var i = 0; i < messages.Length; i++)
        {
            sends[i] = await publisher.SendInOrderAsync(messages[i], previous, context.CancellationToken);
            previous = sends[i];
        }

        await ((Task)Task.WhenAll(sends)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var response = new PublishBatchResponse();
        foreach (var send in sends)
        {
            // The first failure in request order is the batch's answer (the ones before it were published).
            response.Results.Add(await send);
        }

        return response;
    });

    public override Task<GetHistoryResponse> GetHistory(GetHistoryRequest request, ServerCallContext context) => Guard(async () =>
    {
        if (!ChannelName.TryParse(request.Channel, out var channel, out var error))
        {
            throw new PublishValidationException("channel: " + error);
        }

        var limit = request.Limit == 0 ? options.Value.MaxHistoryLimit : (int)Math.Min(request.Limit, (uint)options.Value.MaxHistoryLimit);
        var page = await history.ReadAsync(channel.Value, request.SinceOffset, limit, historyOptions.Value.For(channel.Value), context.CancellationToken);
        var epochChanged = !string.IsNullOrEmpty(request.SinceEpoch) && request.SinceEpoch != page.Top.Epoch;
        var response = new GetHistoryResponse { Epoch = page.Top.Epoch, Offset = page.Top.Offset, Complete = page.Complete && !epochChanged };
        if (!epochChanged)
        {
            foreach (var entry in page.Entries)
            {
                var envelope = CoreEnvelope.Parser.ParseFrom(entry.Envelope.Span);
                response.Messages.Add(new HistoryMessage
                {
                    Id = envelope.Id,
                    Event = envelope.Event,
                    Data = Encoding.UTF8.GetString(envelope.Data.Span),
                    Offset = entry.Offset,
                    PublishedAtMs = entry.PublishedAtMs,
                });
            }
        }

        metrics.HistoryReads.WithLabels("ok").Inc();
        return response;
    });

    public override Task<GetPresenceResponse> GetPresence(GetPresenceRequest request, ServerCallContext context) => Guard(async () =>
    {
        if (!ChannelName.TryParse(request.Channel, out var channel, out var error))
        {
            throw new PublishValidationException("channel: " + error);
        }

        var after = PresencePageToken.Decode(request.PageToken);
        var pageSize = request.PageSize == 0 ? Math.Min(DefaultPresencePageSize, options.Value.MaxPresencePageSize) : (int)Math.Min(request.PageSize, (uint)options.Value.MaxPresencePageSize);
        var entries = await presence.GetAsync(channel.Value, context.CancellationToken);
        var response = new GetPresenceResponse
        {
            Users = (uint)entries.Select(e => e.UserId).Distinct(StringComparer.Ordinal).Count(),
            TotalClients = (uint)entries.Count,
        };
        var page = entries
            .Where(e => after is null || string.CompareOrdinal(e.ConnectionId, after) > 0)
            .OrderBy(e => e.ConnectionId, StringComparer.Ordinal)
            .Take(pageSize + 1)
            .ToList();
        var more = page.Count > pageSize;
        if (more)
        {
            page.RemoveAt(page.Count - 1);
            response.NextPageToken = PresencePageToken.Encode(page[^1].ConnectionId);
        }

        response.Clients.AddRange(page.Select(e => new PresenceClient { ConnectionId = e.ConnectionId, User = e.UserId, ServerId = e.ServerId }));
        return response;
    });

    public override Task<DisconnectResponse> Disconnect(DisconnectRequest request, ServerCallContext context) => Guard(async () =>
    {
        await publisher.DisconnectAsync(request.User, request.Reason, context.CancellationToken);
        return new DisconnectResponse();
    });

    public override Task<ListEdgesResponse> ListEdges(ListEdgesRequest request, ServerCallContext context) => Guard(async () =>
    {
        var live = await instances.ListAsync(TimeSpan.FromSeconds(options.Value.EdgeTtlSeconds), context.CancellationToken);
        var response = new ListEdgesResponse();
        // The dispatcher has no Kubernetes access: pod_phase/pod_ready stay empty; the operator removes
        // a deleted edge pod's entry from the registry, and `kubectl get realtimeclusters` shows readiness.
        response.Edges.AddRange(live.Select(i => new EdgeInstance
        {
            ServerId = i.ServerId,
            Connections = (uint)Math.Max(0, i.Connections),
            LastSeenMs = i.LastSeenMs,
        }));
        return response;
    });

    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (PublishValidationException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        catch (BusUnavailableException ex)
        {
            Log.BrokerUnavailable(logger, ex);
            throw new RpcException(new Status(StatusCode.Unavailable, "the message broker (Redis) is unavailable; retry with backoff"));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Broker unavailable")]
        public static partial void BrokerUnavailable(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 601, Level = LogLevel.Error, Message = "A PublishStream message failed unexpectedly")]
        public static partial void StreamPublishFailed(ILogger logger, Exception exception);
    }
}
