using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Events;
using Realtime.Core.Options;
using Realtime.Redis;
using StackExchange.Redis;

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
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan LeaseRenew = TimeSpan.FromSeconds(5);

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

    /// <summary>
    /// One dispatcher at a time delivers an endpoint's events (a lease in Redis, renewed every
    /// <see cref="LeaseRenew"/>), so each user's events go out in order whichever dispatchers run.
    /// A new holder first claims every event the previous one read and did not acknowledge (older
    /// than anything still unread), then goes on; a holder that loses the lease stops at once
    /// without acknowledging. At least once: a receiver deduplicates by event id.
    /// </summary>
    private async Task RunEndpointAsync(RedisEventConsumer consumer, WebhookEndpointOptions endpoint, string group, CancellationToken stoppingToken)
    {
        var name = realtime.Value.ServerId;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await consumer.HoldLeaseAsync(group, name, LeaseTtl, stoppingToken))
                {
                    await Task.Delay(LeaseRenew, stoppingToken);
                    continue;
                }

                Log.Delivering(logger, group);
                using var holding = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await consumer.EnsureGroupAsync(group, stoppingToken);
                var claimed = await consumer.ClaimAsync(group, name, TimeSpan.Zero, 100_000, stoppingToken);
                if (claimed > 0)
                {
                    Log.Claimed(logger, claimed, group);
                }

                var renewing = RenewWhileHeldAsync(consumer, group, name, holding);
                await DeliverWhileHoldingAsync(consumer, endpoint, group, holding.Token);
                await holding.CancelAsync();
                await renewing;
                if (!stoppingToken.IsCancellationRequested)
                {
                    Log.LeaseLost(logger, group);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.LoopFailed(logger, group, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        try
        {
            await consumer.ReleaseLeaseAsync(group, name, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        }
        catch (Exception ex) when (ex is TimeoutException or RedisException or BusUnavailableException)
        {
            // It expires on its own.
        }
    }

    /// <summary>Renews the lease until it cannot be (then cancels <paramref name="holding"/>) or delivery ends.</summary>
    private static async Task RenewWhileHeldAsync(RedisEventConsumer consumer, string group, string name, CancellationTokenSource holding)
    {
        var lastHeld = DateTime.UtcNow;
        while (!holding.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(LeaseRenew, holding.Token);
                if (await consumer.HoldLeaseAsync(group, name, LeaseTtl, holding.Token))
                {
                    lastHeld = DateTime.UtcNow;
                    continue;
                }

                await holding.CancelAsync(); // another dispatcher has it
                return;
            }
            catch (OperationCanceledException) when (holding.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Redis unreachable: stop before the lease can have expired and been taken over.
                if (DateTime.UtcNow - lastHeld > LeaseTtl - LeaseRenew)
                {
                    await holding.CancelAsync();
                    return;
                }
            }
        }
    }

    private async Task DeliverWhileHoldingAsync(RedisEventConsumer consumer, WebhookEndpointOptions endpoint, string group, CancellationToken stoppingToken)
    {
        var filter = EventFilter.Create(endpoint.EventTypes, endpoint.ChannelPattern);
        var source = new Uri(options.Value.Source, UriKind.RelativeOrAbsolute);
        var name = realtime.Value.ServerId;
        var pending = true; // this consumer's unacknowledged events (and those just claimed) come first
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
                return; // stopping, or the lease is lost: what is unacknowledged is claimed by the next holder
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

        [LoggerMessage(EventId = 1323, Level = LogLevel.Information, Message = "This dispatcher now delivers webhook events of {Group}")]
        public static partial void Delivering(ILogger logger, string group);

        [LoggerMessage(EventId = 1324, Level = LogLevel.Warning, Message = "Lost the delivery lease of {Group}; another dispatcher delivers its events")]
        public static partial void LeaseLost(ILogger logger, string group);

        [LoggerMessage(EventId = 1322, Level = LogLevel.Information, Message = "Claimed {Count} events another dispatcher left undelivered in {Group}")]
        public static partial void Claimed(ILogger logger, int count, string group);
    }
}
