using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using Realtime.Operator.Hosting;

namespace Realtime.Operator.Election;

/// <summary>
/// Leader election through a coordination.k8s.io Lease, in a loop that never gives up: every
/// failure (connection refused while the API server restarts, 403 on leases, a timeout) is logged
/// and retried with capped backoff. A leader that cannot renew before the renew deadline stops
/// leading (its work is cancelled); leadership is taken again as soon as the Lease can be written.
/// </summary>
internal sealed partial class LeaseElector(
    IKubernetes client,
    OperatorMetrics metrics,
    IOptions<OperatorOptions> options,
    TimeProvider time,
    ILogger<LeaseElector> logger)
{
    private enum Outcome
    {
        Held,
        HeldByOther,
    }

    public bool IsLeader { get; private set; }

    /// <summary>How often leadership was acquired (tests watch it come back).</summary>
    public int Acquisitions { get; private set; }

    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken stoppingToken)
    {
        var o = options.Value;
        var duration = TimeSpan.FromSeconds(o.LeaseDurationSeconds);
        var renewDeadline = duration * 2 / 3;
        var period = TimeSpan.FromSeconds(Math.Min(o.RenewSeconds, Math.Max(1, o.LeaseDurationSeconds / 3)));
        var backoff = period;
        var lastRenew = DateTimeOffset.MinValue;
        CancellationTokenSource? leading = null;
        Task? work = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var delay = period;
                try
                {
                    var outcome = await TryAcquireOrRenewAsync(o, stoppingToken);
                    backoff = period;
                    if (outcome == Outcome.Held)
                    {
                        lastRenew = time.GetUtcNow();
                        if (leading is null)
                        {
                            leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                            work = StartLeadingAsync(whileLeading, leading.Token);
                        }
                    }
                    else if (leading is not null)
                    {
                        Log.LostToOther(logger, o.LeaseName);
                        (leading, work) = await StopLeadingAsync(leading!, work);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    metrics.ElectionFailed();
                    delay = backoff;
                    backoff = TimeSpan.FromTicks(Math.Min(duration.Ticks, backoff.Ticks * 2));
                    if (ex is HttpOperationException { Response.StatusCode: >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError })
                    {
                        // Refused (403 on leases: RBAC): retrying helps only once someone fixes it, so say it loudly.
                        Log.ElectionRefused(logger, o.LeaseName, Describe(ex), delay.TotalSeconds, ex);
                    }
                    else
                    {
                        Log.ElectionFailed(logger, o.LeaseName, Describe(ex), delay.TotalSeconds, ex);
                    }

                    if (leading is not null && time.GetUtcNow() - lastRenew >= renewDeadline)
                    {
                        Log.RenewDeadlinePassed(logger, o.LeaseName);
                        (leading, work) = await StopLeadingAsync(leading!, work);
                    }
                }

                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            if (leading is not null)
            {
                await StopLeadingAsync(leading, work);
            }
        }
    }

    private async Task StartLeadingAsync(Func<CancellationToken, Task> whileLeading, CancellationToken token)
    {
        IsLeader = true;
        Acquisitions++;
        metrics.Leading(true);
        Log.Leading(logger, options.Value.LeaseName, options.Value.Identity);
        await Task.Yield();
        while (!token.IsCancellationRequested)
        {
            try
            {
                await whileLeading(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Leadership lost or shutting down.
                return;
            }
            catch (Exception ex)
            {
                Log.WorkFailed(logger, ex);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<(CancellationTokenSource?, Task?)> StopLeadingAsync(CancellationTokenSource leading, Task? work)
    {
        await leading.CancelAsync();
        if (work is not null)
        {
            await work;
        }

        leading.Dispose();
        IsLeader = false;
        metrics.Leading(false);
        Log.StoppedLeading(logger, options.Value.LeaseName);
        return (null, null);
    }

    private async Task<Outcome> TryAcquireOrRenewAsync(OperatorOptions o, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        V1Lease lease;
        try
        {
            lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(o.LeaseName, o.Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            var created = new V1Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new V1ObjectMeta { Name = o.LeaseName, NamespaceProperty = o.Namespace },
                Spec = new V1LeaseSpec
                {
                    HolderIdentity = o.Identity,
                    LeaseDurationSeconds = o.LeaseDurationSeconds,
                    AcquireTime = now,
                    RenewTime = now,
                    LeaseTransitions = 0,
                },
            };
            return await WriteAsync(() => client.CoordinationV1.CreateNamespacedLeaseAsync(created, o.Namespace, cancellationToken: cancellationToken));
        }

        var spec = lease.Spec ??= new V1LeaseSpec();
        var expires = (spec.RenewTime ?? DateTime.MinValue).AddSeconds(spec.LeaseDurationSeconds ?? o.LeaseDurationSeconds);
        var mine = spec.HolderIdentity == o.Identity;
        if (!mine && !string.IsNullOrEmpty(spec.HolderIdentity) && expires > now)
        {
            return Outcome.HeldByOther;
        }

        if (!mine)
        {
            spec.AcquireTime = now;
            spec.LeaseTransitions = (spec.LeaseTransitions ?? 0) + 1;
        }

        spec.HolderIdentity = o.Identity;
        spec.RenewTime = now;
        spec.LeaseDurationSeconds = o.LeaseDurationSeconds;
        // Carries the resourceVersion read: another replica's write in between answers 409.
        return await WriteAsync(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, o.LeaseName, o.Namespace, cancellationToken: cancellationToken));
    }

    private static async Task<Outcome> WriteAsync(Func<Task<V1Lease>> write)
    {
        try
        {
            await write();
            return Outcome.Held;
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            return Outcome.HeldByOther;
        }
    }

    private static string Describe(Exception ex) => ex is HttpOperationException { Response: { } response }
        ? $"HTTP {(int)response.StatusCode} {response.StatusCode}"
        : ex.GetType().Name;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Holding Lease {Lease} as {Identity}: reconciling")]
        public static partial void Leading(ILogger logger, string lease, string identity);

        [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "No longer holding Lease {Lease}")]
        public static partial void StoppedLeading(ILogger logger, string lease);

        [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Leader election on Lease {Lease} failed ({Failure}); retrying in {Seconds} s")]
        public static partial void ElectionFailed(ILogger logger, string lease, string failure, double seconds, Exception exception);

        [LoggerMessage(EventId = 1506, Level = LogLevel.Error, Message = "The API server refused leader election on Lease {Lease} ({Failure}): check the operator's RBAC; retrying in {Seconds} s")]
        public static partial void ElectionRefused(ILogger logger, string lease, string failure, double seconds, Exception exception);

        [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Could not renew Lease {Lease} before the renew deadline: stepping down")]
        public static partial void RenewDeadlinePassed(ILogger logger, string lease);

        [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Lease {Lease} is held by another replica")]
        public static partial void LostToOther(ILogger logger, string lease);

        [LoggerMessage(EventId = 1505, Level = LogLevel.Error, Message = "The leader's work failed; it restarts when leadership is next acquired")]
        public static partial void WorkFailed(ILogger logger, Exception exception);
    }
}
