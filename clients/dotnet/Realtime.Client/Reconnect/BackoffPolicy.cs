namespace Realtime.Client.Reconnect;

/// <summary>
/// Exponential backoff with full jitter: the delay before attempt <c>n</c> (from 0) is uniform in
/// [0, min(max, min·2^n)], so that clients dropped together do not come back together.
/// </summary>
public sealed class BackoffPolicy
{
    private readonly Random _random;

    public BackoffPolicy(TimeSpan min, TimeSpan max, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        Min = min;
        Max = max;
        _random = random ?? Random.Shared;
    }

    public TimeSpan Min { get; }

    public TimeSpan Max { get; }

    /// <summary>The upper bound of the delay before attempt <paramref name="attempt"/>.</summary>
    public TimeSpan Ceiling(int attempt)
    {
        var exponent = Math.Clamp(attempt, 0, 30);
        var ceiling = Min.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(Max.TotalMilliseconds, ceiling));
    }

    public TimeSpan NextDelay(int attempt)
    {
        double sample;
        lock (_random)
        {
            sample = _random.NextDouble();
        }

        return TimeSpan.FromMilliseconds(sample * Ceiling(attempt).TotalMilliseconds);
    }
}
