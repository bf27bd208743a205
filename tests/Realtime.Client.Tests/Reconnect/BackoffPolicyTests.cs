using Realtime.Client.Reconnect;

namespace Realtime.Client.Tests.Reconnect;

public class BackoffPolicyTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    [Fact]
    public void NextDelay_ManySamples_NeverExceedsCeilingOrMax()
    {
        var policy = new BackoffPolicy(Min, Max, new Random(1));
        for (var attempt = 0; attempt < 40; attempt++)
        {
            for (var i = 0; i < 500; i++)
            {
                var delay = policy.NextDelay(attempt);
                Assert.InRange(delay, TimeSpan.Zero, policy.Ceiling(attempt));
                Assert.True(delay <= Max, $"attempt {attempt}: {delay} > {Max}");
            }
        }
    }

    [Fact]
    public void Ceiling_DoublesFromMinUntilMax()
    {
        var policy = new BackoffPolicy(Min, Max);
        Assert.Equal(Min, policy.Ceiling(0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.Ceiling(1));
        Assert.Equal(TimeSpan.FromMilliseconds(800), policy.Ceiling(3));
        Assert.Equal(Max, policy.Ceiling(10));
        Assert.Equal(Max, policy.Ceiling(int.MaxValue));
    }

    [Fact]
    public void NextDelay_FullJitter_SpreadsOverTheWholeRange()
    {
        var policy = new BackoffPolicy(Min, Max, new Random(42));
        const int samples = 20_000;
        var buckets = new int[10];
        double sum = 0;
        for (var i = 0; i < samples; i++)
        {
            var fraction = policy.NextDelay(20).TotalMilliseconds / Max.TotalMilliseconds;
            sum += fraction;
            buckets[Math.Min(9, (int)(fraction * 10))]++;
        }

        // Uniform on [0, max]: every tenth of the range gets roughly a tenth of the samples.
        Assert.All(buckets, count => Assert.InRange(count, samples / 10 * 0.8, samples / 10 * 1.2));
        Assert.InRange(sum / samples, 0.45, 0.55);
    }

    [Fact]
    public void NextDelay_TwoClientsDroppedTogether_DoNotComeBackTogether()
    {
        var a = new BackoffPolicy(Min, Max, new Random(7));
        var b = new BackoffPolicy(Min, Max, new Random(8));
        var distinct = Enumerable.Range(0, 100).Count(i => a.NextDelay(5) != b.NextDelay(5));
        Assert.True(distinct > 95);
    }
}
