using System.Threading.Channels;

namespace Realtime.Operator.Reconcile;

/// <summary>
/// Keys to reconcile: a key queued twice before it is taken is processed once; a failed key comes
/// back after a per-key exponential delay (capped), a successful one resets its delay.
/// </summary>
internal sealed class WorkQueue(TimeProvider time, TimeSpan baseDelay, TimeSpan maxDelay)
{
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Add(string key)
    {
        lock (_lock)
        {
            if (!_queued.Add(key))
            {
                return;
            }
        }

        _ready.Writer.TryWrite(key);
    }

    public void AddAfter(string key, TimeSpan delay, CancellationToken cancellationToken) =>
        _ = Task.Delay(delay, time, cancellationToken).ContinueWith(t => { if (!t.IsCanceled) { Add(key); } }, TaskScheduler.Default);

    /// <summary>Requeues after the key's next backoff delay; returns the delay.</summary>
    public TimeSpan AddRateLimited(string key, CancellationToken cancellationToken)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        var delay = TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, baseDelay.Ticks * (1L << Math.Min(failures - 1, 20))));
        AddAfter(key, delay, cancellationToken);
        return delay;
    }

    public void Forget(string key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        var key = await _ready.Reader.ReadAsync(cancellationToken);
        lock (_lock)
        {
            _queued.Remove(key);
        }

        return key;
    }
}
