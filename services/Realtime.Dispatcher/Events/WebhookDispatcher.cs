using Microsoft.Extensions.Options;
using Realtime.Core.Events;
using Realtime.Core.Options;
using Realtime.Redis;

namespace Realtime.Dispatcher.Events;

/// <summary>
/// Delivers lifecycle events to the configured webhook endpoints. Each endpoint has a consumer
/// group on the event stream (dispatchers share its work); a batch is split by ordering key (the
/// user, or the channel for channel events) and each key's events go out one after another, each
/// retried with exponential backoff until delivered or, past the attempt budget, dead-lettered;
/// then the batch is acknowledged.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IServiceProvider services,
    IHttpClientFactory httpClients,
    IOptions<WebhookOptions> options,
    IOptions<EventsOptions> eventsOptions,
    IOptions<RealtimeOptions> realtime,
    EventMetrics metrics,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "realtime-webhooks";
    private const int BatchSize = 100;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ClaimPoll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Endpoints.Count == 0 || services.GetService<RedisConnection>() is not { } redis)
        {
            return;
        }

        var consumer = new RedisEventConsumer(redis);
        var runs = options.Value.Endpoints.Select((endpoint, i) => RunEndpointAsync(consumer, endpoint, $"webhook-{i}", stoppingToken));
        await Task.WhenAll(runs);
    }

    private async Task RunEndpointAsync(RedisEventConsumer consumer, WebhookEndpointOptions endpoint, string group, CancellationToken stoppingToken)
    {
        var filter = EventFilter.Create(endpoint.EventTypes, endpoint.ChannelPattern);
        var source = new Uri(options.Value.Source, UriKind.RelativeOrAbsolute);
        var name = realtime.Value.ServerId;
        var pending = true; // this consumer's unacknowledged events from a previous run come first
        var ready = false;
        var nextClaim = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!ready)
                {
                    await consumer.EnsureGroupAsync(group, stoppingToken);
                    ready = true;
                }

                var batch = await consumer.ReadAsync(group, name, BatchSize, pending, stoppingToken);
                if (batch.Count == 0)
                {
                    if (pending)
                    {
                        pending = false;
                        continue;
                    }

                    // Idle: take over what a vanished dispatcher left unacknowledged (read next as pending).
                    var now = DateTime.UtcNow;
                    if (now >= nextClaim)
                    {
                        nextClaim = now + ClaimPoll;
                        var claimed = await consumer.ClaimAsync(group, name, TimeSpan.FromMilliseconds(options.Value.ClaimIdleMs), BatchSize, stoppingToken);
                        if (claimed > 0)
                        {
                            Log.Claimed(logger, claimed, group);
                            pending = true;
                            continue;
                        }
                    }

                    await Task.Delay(IdlePoll, stoppingToken);
                    continue;
                }

                var lanes = batch.Where(filter.Matches).GroupBy(e => e.OrderKey, StringComparer.Ordinal)
                    .Select(lane => DeliverInOrderAsync(consumer, endpoint, source, [.. lane], stoppingToken));
                await Task.WhenAll(lanes);
                await consumer.AckAsync(group, batch.Select(e => e.Id), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.LoopFailed(logger, group, ex);
                pending = true; // what was read and not acknowledged is read again
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task DeliverInOrderAsync(RedisEventConsumer consumer, WebhookEndpointOptions endpoint, Uri source, List<LifecycleEvent> lane, CancellationToken cancellationToken)
    {
        foreach (var e in lane)
        {
            var error = await DeliverWithRetriesAsync(endpoint, source, e, cancellationToken);
            if (error is not null)
            {
                await consumer.DeadLetterAsync(e, endpoint.Url, error, eventsOptions.Value.MaxLength, cancellationToken);
                metrics.WebhooksDeadLettered.Inc();
                Log.DeadLettered(logger, e.Id, endpoint.Url, error);
            }
        }
    }

    /// <summary>Null once delivered; the last error when the attempt budget is used up.</summary>
    private async Task<string?> DeliverWithRetriesAsync(WebhookEndpointOptions endpoint, Uri source, LifecycleEvent e, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var (body, contentType) = WebhookPayload.Encode(e, source);
        var signature = WebhookPayload.Sign(body, endpoint.Secret);
        var client = httpClients.CreateClient(HttpClientName);
        var backoff = TimeSpan.FromMilliseconds(o.InitialBackoffMs);
        var error = "not attempted";
        for (var attempt = 1; attempt <= o.MaxAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, o.MaxBackoffMs));
            }

            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(o.TimeoutMs);
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                request.Headers.TryAddWithoutValidation(WebhookPayload.SignatureHeader, signature);
                using var response = await client.SendAsync(request, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    metrics.WebhooksDelivered.Inc();
                    return null;
                }

                error = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error = ex.Message;
            }

            metrics.WebhooksFailed.Inc();
        }

        return error;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1320, Level = LogLevel.Warning, Message = "Webhook delivery loop {Group} failed; retrying")]
        public static partial void LoopFailed(ILogger logger, string group, Exception exception);

        [LoggerMessage(EventId = 1321, Level = LogLevel.Warning, Message = "Event {EventId} dead-lettered for {Endpoint}: {Error}")]
        public static partial void DeadLettered(ILogger logger, string eventId, string endpoint, string error);

        [LoggerMessage(EventId = 1322, Level = LogLevel.Information, Message = "Claimed {Count} events another dispatcher left undelivered in {Group}")]
        public static partial void Claimed(ILogger logger, int count, string group);
    }
}
