using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Realtime.Core.Options;
using Realtime.Dispatcher.Hosting;
using Realtime.Dispatcher.Kubernetes;
using Realtime.Redis;
using Realtime.TestKit;

namespace Realtime.Dispatcher.Tests.Kubernetes;

/// <summary>The leader's reconciliation of the (real Redis) instance registry against the edge pods it watches.</summary>
public sealed class RegistryReconcilerTests : IAsyncLifetime
{
    private RedisConnection _redis = null!;
    private RedisInstanceRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        var server = await RedisServer.GetAsync();
        _redis = new RedisConnection(Microsoft.Extensions.Options.Options.Create(new RedisOptions { Url = server.Url, Prefix = "k" + Guid.NewGuid().ToString("N")[..8] }), NullLogger<RedisConnection>.Instance);
        _registry = new RedisInstanceRegistry(_redis, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Reconcile_RemovesEdgesWhosePodIsGoneOrTerminating_KeepsLiveOnes()
    {
        foreach (var id in new[] { "edge-live", "edge-terminating", "edge-deleted" })
        {
            await _registry.HeartbeatAsync(id, 3);
        }

        var pods = new EdgePodView();
        pods.Replace([new EdgePod("edge-live", "Running", true, false), new EdgePod("edge-terminating", "Running", false, true)]);
        var reconciler = new RegistryReconciler(_registry, pods, Microsoft.Extensions.Options.Options.Create(new DispatcherOptions()), NullLogger<RegistryReconciler>.Instance);

        var removed = await reconciler.ReconcileOnceAsync(CancellationToken.None);

        Assert.Equal(["edge-deleted", "edge-terminating"], removed.Order(StringComparer.Ordinal));
        Assert.Equal(["edge-live"], (await _registry.ListAsync(TimeSpan.FromMinutes(1))).Select(i => i.ServerId));
    }

    [Fact]
    public async Task Reconcile_BeforeThePodListIsLoaded_RemovesNothing()
    {
        await _registry.HeartbeatAsync("edge-x", 1);
        var pods = new EdgePodView();
        var reconciler = new RegistryReconciler(_registry, pods, Microsoft.Extensions.Options.Options.Create(new DispatcherOptions()), NullLogger<RegistryReconciler>.Instance);
        Assert.Empty(await reconciler.ReconcileOnceAsync(CancellationToken.None));

        pods.Replace([]);
        pods.Unsync(); // the watch broke: what is absent may just be unseen
        Assert.Empty(await reconciler.ReconcileOnceAsync(CancellationToken.None));
        Assert.Single(await _registry.ListAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void KubernetesOptions_Enabled_RequiresNamespaceAndSelector()
    {
        var options = new KubernetesOptions { Enabled = true };
        Assert.Single(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
        options.Namespace = "rt";
        options.EdgeSelector = "app=edge";
        Assert.Empty(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
    }
}
