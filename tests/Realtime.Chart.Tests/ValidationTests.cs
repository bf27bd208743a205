using Realtime.Chart.Tests.Rendering;

namespace Realtime.Chart.Tests;

/// <summary>Bad values fail the render with a message that names what to change.</summary>
[Collection(ChartCollection.Name)]
public sealed class ValidationTests(ChartRenderer renderer)
{
    private RenderResult RenderWith(params string[] sets) =>
        renderer.Render(["--set", $"redis.url={ChartRenderer.RedisUrl}", .. sets.SelectMany(s => new[] { "--set", s })]);

    private static void AssertFails(RenderResult result, params string[] messageParts)
    {
        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(result.Stdout.Trim());
        foreach (var part in messageParts)
        {
            Assert.Contains(part, result.Stderr, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Render_NegativeReplicas_SchemaRejects() =>
        AssertFails(RenderWith("edge.autoscaling.enabled=false", "edge.replicas=-1"), "replicas");

    [Fact]
    public void Render_StringWhereNumberRequired_SchemaRejects() =>
        AssertFails(RenderWith("edge.drainSeconds=soon"), "drainSeconds");

    [Fact]
    public void Render_UnknownKey_SchemaRejects() =>
        AssertFails(RenderWith("edge.replica=3"), "replica");

    [Fact]
    public void Render_PingIntervalAboveProxyIdleTimeout_SchemaRejects() =>
        AssertFails(RenderWith("edge.pingIntervalSeconds=90"), "pingIntervalSeconds");

    [Fact]
    public void Render_BadRedisScheme_SchemaRejects() =>
        AssertFails(renderer.Render("--set", "redis.url=http://redis:6379"), "redis");

    [Fact]
    public void Render_UnknownRedisMode_SchemaRejects() =>
        AssertFails(RenderWith("redis.mode=Clustered"), "mode");

    [Fact]
    public void Render_ShardedAndSentinelUrls_AreAccepted_ShardedReachesTheServicesAsTheShardList()
    {
        var sharded = renderer.RenderOk("--set", "redis.mode=Sharded", "--set", "redis.url=redis://a:6379 redis+sentinel://s1:26379/b");
        foreach (var container in new[] { sharded.EdgeContainer, sharded.DispatcherContainer })
        {
            Assert.Equal("redis-url", Assert.Single(container.Env, e => e.Name == "REDIS_SHARDS").ValueFrom.SecretKeyRef.Key);
            Assert.DoesNotContain(container.Env, e => e.Name == "REDIS_URL");
        }

        var sentinel = renderer.RenderOk("--set", "redis.mode=Sentinel", "--set", "redis.url=redis+sentinel://s1:26379\\,s2:26379/mymaster");
        Assert.Contains(sentinel.EdgeContainer.Env, e => e.Name == "REDIS_URL");
    }

    [Fact]
    public void Render_KedaAndConnectionsBothEnabled_Fails() =>
        AssertFails(RenderWith("edge.autoscaling.connections.enabled=true", "edge.autoscaling.keda.enabled=true"),
            "mutually exclusive");

    [Fact]
    public void Render_GracePeriodShorterThanDrain_Fails() =>
        AssertFails(RenderWith("edge.terminationGracePeriodSeconds=35"),
            "edge.terminationGracePeriodSeconds (35)", "edge.drainSeconds (20)");

    [Fact]
    public void Render_LongerDrainWithoutLongerGrace_Fails() =>
        AssertFails(RenderWith("edge.drainSeconds=45"), "terminationGracePeriodSeconds");

    [Fact]
    public void Render_WithoutRedis_FailsWithHint() =>
        AssertFails(renderer.Render(), "redis.url", "redis.existingSecret");

    [Fact]
    public void Render_RedisUrlAndExistingSecret_Fails() =>
        AssertFails(RenderWith("redis.existingSecret=mine"), "not both");

    [Fact]
    public void Render_ShortHmacSecret_Fails() =>
        AssertFails(RenderWith("auth.hmacSecret=short"), "auth.hmacSecret", "32");

    [Fact]
    public void Render_HttpRouteWithoutParent_Fails() =>
        AssertFails(RenderWith("httpRoute.enabled=true"), "parentRefs");

    [Fact]
    public void Render_AutoscalingWithoutMetric_Fails() =>
        AssertFails(RenderWith("edge.autoscaling.targetCPUUtilizationPercentage=0"), "no metric");

    [Fact]
    public void Render_MinAboveMaxReplicas_Fails() =>
        AssertFails(RenderWith("edge.autoscaling.minReplicas=10", "edge.autoscaling.maxReplicas=5"), "minReplicas");

    [Fact]
    public void Load_UnknownFieldInManifest_IsRejected()
    {
        // extraEnv is passed through verbatim, so a misspelt field reaches the manifest;
        // the strict typed load must catch it (as the API server's strict validation would).
        var result = renderer.Render("--set", $"redis.url={ChartRenderer.RedisUrl}",
            "--set", "edge.extraEnv[0].name=X", "--set", "edge.extraEnv[0].valeu=1");
        Assert.Equal(0, result.ExitCode);
        Assert.Throws<InvalidOperationException>(() => RenderedChart.Load(result.Stdout));
    }

    [Fact]
    public void Render_DevRedisWithRedisUrl_Fails() =>
        AssertFails(RenderWith("devRedis.enabled=true"), "devRedis");

    [Fact]
    public void Lint_DefaultsAndEveryOverlay_Pass()
    {
        var result = renderer.Lint("--set", $"redis.url={ChartRenderer.RedisUrl}");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        foreach (var file in renderer.ValueFiles())
        {
            result = renderer.Lint("-f", renderer.ValuesFile(file));
            Assert.True(result.ExitCode == 0, $"{file}: {result.Stdout}{result.Stderr}");
        }
    }

    [Fact]
    public void Notes_Defaults_TellHowToConnectAndPublish()
    {
        if (renderer.UsesHelm)
        {
            return; // `helm template` does not print NOTES.txt; helm install --dry-run shows it.
        }

        var result = renderer.Render("--set", $"redis.url={ChartRenderer.RedisUrl}", "--show-notes");
        Assert.Equal(0, result.ExitCode);
        var notes = result.Stdout[result.Stdout.IndexOf("NOTES:", StringComparison.Ordinal)..];
        Assert.Contains($"port-forward svc/{RenderedChart.EdgeName}", notes, StringComparison.Ordinal);
        Assert.Contains("/v1/publish", notes, StringComparison.Ordinal);
        Assert.Contains("x-api-key", notes, StringComparison.Ordinal);
        Assert.Contains($"helm test {ChartRenderer.ReleaseName}", notes, StringComparison.Ordinal);
    }
}
