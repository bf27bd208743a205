using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Realtime.Operator.Resources;
using Realtime.Operator.Tests.ApiServer;
using Realtime.TestKit;

namespace Realtime.Operator.Tests.Election;

/// <summary>Leader election through the Lease in the API server double: failures never end it.</summary>
public sealed class LeaseElectorScenarioTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(40);
    private FakeApiServer _api = null!;
    private string _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = (await RedisServer.GetAsync()).Url;
        _api = await FakeApiServer.StartAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ApiServerDownThenUp_WatchResumesAndLeadershipReturns()
    {
        await using var op = await OperatorHost.StartAsync(_api, _redis, "el" + Guid.NewGuid().ToString("N")[..8]);
        await Eventually.TrueAsync(() => op.Elector.IsLeader, Timeout, "leads at first");
        Assert.Equal("operator-0", _api.Get(Collections.Leases, "realtime-operator")!["spec"]!["holderIdentity"]!.GetValue<string>());

        await _api.StopAsync();
        await Eventually.TrueAsync(() => !op.Elector.IsLeader, Timeout, "steps down once the renew deadline passes");
        Assert.Contains(op.Logs.Warnings, w => w.Contains("Leader election on Lease realtime-operator failed", StringComparison.Ordinal));

        await _api.RestartAsync();
        await Eventually.TrueAsync(() => op.Elector.IsLeader && op.Elector.Acquisitions >= 2, Timeout, "leadership comes back");

        // The controllers run again: a cluster created now is reconciled.
        var cluster = new RealtimeCluster { Metadata = new V1ObjectMeta { Name = "after", NamespaceProperty = OperatorHost.Namespace } };
        await op.Client.CustomObjects.CreateNamespacedCustomObjectAsync(cluster, RealtimeCluster.Group, RealtimeCluster.Version, OperatorHost.Namespace, RealtimeCluster.Plural);
        await Eventually.TrueAsync(() => _api.Get(Collections.Deployments, "after-edge") is not null, Timeout, "watch resumed");
        Assert.Empty(op.Logs.Errors);
    }

    [Fact]
    public async Task LeasesForbidden_ErrorIsLogged_AndLeadershipFollowsTheFix()
    {
        _api.ForbidLeases = true;
        await using var op = await OperatorHost.StartAsync(_api, _redis, "el" + Guid.NewGuid().ToString("N")[..8]);

        await Eventually.TrueAsync(() => op.Logs.Errors.Any(e => e.Contains("refused leader election", StringComparison.Ordinal) && e.Contains("403", StringComparison.Ordinal)), Timeout, "a 403 is logged as an error");
        Assert.False(op.Elector.IsLeader);

        _api.ForbidLeases = false;
        await Eventually.TrueAsync(() => op.Elector.IsLeader, Timeout, "leads once RBAC is fixed");
    }

    [Fact]
    public async Task TwoReplicas_OnlyOneLeads_TheOtherTakesOverWhenItStops()
    {
        var prefix = "el" + Guid.NewGuid().ToString("N")[..8];
        var first = await OperatorHost.StartAsync(_api, _redis, prefix, "operator-a");
        await Eventually.TrueAsync(() => first.Elector.IsLeader, Timeout);
        await using var second = await OperatorHost.StartAsync(_api, _redis, prefix, "operator-b");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(second.Elector.IsLeader);

        await first.DisposeAsync();
        await Eventually.TrueAsync(() => second.Elector.IsLeader, Timeout, "the follower takes over after the lease expires");
        var lease = _api.Get(Collections.Leases, "realtime-operator")!;
        Assert.Equal("operator-b", lease["spec"]!["holderIdentity"]!.GetValue<string>());
        Assert.True(lease["spec"]!["leaseTransitions"] is JsonValue t && long.Parse(t.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }
}
