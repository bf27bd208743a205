using Realtime.Operator.Reconcile;

namespace Realtime.Operator.Tests.Reconcile;

public class WorkQueueTests
{
    [Fact]
    public async Task Add_Twice_BeforeTaken_IsProcessedOnce()
    {
        var queue = new WorkQueue(TimeProvider.System, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("b", await queue.TakeAsync(CancellationToken.None));
        using var none = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.TakeAsync(none.Token).AsTask());
    }

    [Fact]
    public void RateLimited_DoublesPerFailure_UpToTheCap_AndForgetResets()
    {
        var queue = new WorkQueue(TimeProvider.System, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));
        using var cts = new CancellationTokenSource();

        Assert.Equal(TimeSpan.FromMilliseconds(100), queue.AddRateLimited("k", cts.Token));
        Assert.Equal(TimeSpan.FromMilliseconds(200), queue.AddRateLimited("k", cts.Token));
        Assert.Equal(TimeSpan.FromMilliseconds(400), queue.AddRateLimited("k", cts.Token));
        Assert.Equal(TimeSpan.FromMilliseconds(500), queue.AddRateLimited("k", cts.Token));
        queue.Forget("k");
        Assert.Equal(TimeSpan.FromMilliseconds(100), queue.AddRateLimited("k", cts.Token));
        cts.Cancel();
    }

    [Fact]
    public async Task RateLimited_KeyComesBack()
    {
        var queue = new WorkQueue(TimeProvider.System, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1));
        queue.AddRateLimited("k", CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("k", await queue.TakeAsync(timeout.Token));
    }
}
