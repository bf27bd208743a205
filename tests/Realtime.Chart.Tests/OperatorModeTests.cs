using System.Text.Json;
using Json.Schema;
using k8s;
using k8s.Models;
using Realtime.Chart.Tests.Crds;
using Realtime.Chart.Tests.Rendering;
using Realtime.Operator.Resources;

namespace Realtime.Chart.Tests;

/// <summary>The chart's default (operator) mode: CRD, operator with least-privilege RBAC, one RealtimeCluster from the values.</summary>
[Collection(ChartCollection.Name)]
public sealed class OperatorModeTests(ChartRenderer renderer)
{
    private static readonly DefaultImages Images = new("realtime-edge", "realtime-dispatcher", "1.0.0");

    private RenderedChart Render(params string[] extra) =>
        renderer.RenderOk(["--set", "operator.enabled=true", "--set", $"redis.url={ChartRenderer.RedisUrl}", .. extra]);

    [Fact]
    public void Render_OperatorMode_InstallsCrdOperatorAndOneCluster_NoWorkloadsOfItsOwn()
    {
        var chart = Render();

        // The CRD is in crds/ (installed before the templates, so the default cluster can be created in the same install).
        Assert.Empty(chart.All<V1CustomResourceDefinition>());
        Assert.Equal("realtimeclusters.realtime.dev", Crd().Metadata.Name);
        var operatorDeployment = chart.One<V1Deployment>();
        Assert.Equal($"{ChartRenderer.ReleaseName}-realtime-operator", operatorDeployment.Metadata.Name);
        Assert.Single(chart.All<object>(), o => o.GetType().Name == "RealtimeCluster");
        Assert.Empty(chart.All<V2HorizontalPodAutoscaler>());
        Assert.Empty(chart.All<V1Service>());
        Assert.Single(chart.All<V1ConfigMap>(), c => c.Metadata.Labels.ContainsKey("grafana_dashboard"));
    }

    [Fact]
    public void Render_OperatorMode_RbacIsNamespacedLeastPrivilege()
    {
        var chart = Render();

        Assert.Empty(chart.All<V1ClusterRole>());
        Assert.Empty(chart.All<V1ClusterRoleBinding>());
        var role = chart.One<V1Role>();
        Assert.DoesNotContain(role.Rules, r => r.Resources.Contains("secrets") || r.Resources.Contains("*") || r.Verbs.Contains("*"));
        Assert.Equal(["get", "list", "watch"], Assert.Single(role.Rules, r => r.Resources.Contains("pods")).Verbs);
        Assert.Equal(["get", "create", "update"], Assert.Single(role.Rules, r => r.Resources.Contains("leases")).Verbs);
        Assert.Contains(role.Rules, r => r.Resources.Contains("realtimeclusters/status"));
        var binding = chart.One<V1RoleBinding>();
        var account = chart.One<V1ServiceAccount>();
        Assert.Equal(account.Metadata.Name, Assert.Single(binding.Subjects).Name);
        Assert.Equal(account.Metadata.Name, chart.One<V1Deployment>().Spec.Template.Spec.ServiceAccountName);
    }

    [Fact]
    public void DefaultCluster_BuildsAnAutoscaledSetWhoseEdgesArePodNamed()
    {
        var cluster = DefaultCluster(Render());
        var desired = DesiredState.Build(cluster, Images);

        Assert.True(cluster.Spec.Edge.Autoscaling.Enabled);
        Assert.Null(desired.EdgeDeployment.Spec.Replicas);
        Assert.NotNull(desired.EdgeAutoscaler);
        var edge = desired.EdgeDeployment.Spec.Template.Spec;
        Assert.Equal("metadata.name", Assert.Single(edge.Containers[0].Env, e => e.Name == "SERVER_ID").ValueFrom.FieldRef.FieldPath);
        Assert.False(edge.AutomountServiceAccountToken);
        Assert.Equal($"{ChartRenderer.ReleaseName}-realtime", cluster.Spec.Redis.UrlSecret.Name);
        Assert.NotNull(cluster.Spec.Dispatcher.ApiKeysSecret.Name);
        Assert.Equal($"{ChartRenderer.ReleaseName}-realtime", cluster.Spec.Redis.Prefix); // one prefix per release
        Assert.True(edge.Containers[0].ReadinessProbe.FailureThreshold > 1);
    }

    [Fact]
    public void DefaultCluster_ValuesReachTheSpec()
    {
        var cluster = DefaultCluster(Render(
            "--set", "edge.autoscaling.enabled=false", "--set", "edge.replicas=5", "--set", "ingress.enabled=true",
            "--set", "networkPolicy.enabled=true", "--set", "operator.edgeIngressNamespaceLabels.team=ingress", "--set", "redis.prefix=blue"));

        Assert.False(cluster.Spec.Edge.Autoscaling.Enabled);
        Assert.Equal(5, DesiredState.Build(cluster, Images).EdgeDeployment.Spec.Replicas);
        Assert.Equal(ExposureSpec.Ingress, cluster.Spec.Exposure.Type);
        Assert.Equal("blue", cluster.Spec.Redis.Prefix);
        var edgePolicy = DesiredState.Build(cluster, Images).NetworkPolicies[0];
        Assert.Contains(edgePolicy.Spec.Ingress[0].FromProperty, p => p.PodSelector?.MatchLabels?.ContainsKey("realtime.dev/selftest") == true);
    }

    [Fact]
    public void HelmTestPod_IsAdmittedByTheNarrowedEdgePolicy()
    {
        var chart = Render("--set", "networkPolicy.enabled=true", "--set", "operator.edgeIngressNamespaceLabels.team=ingress");
        var cluster = DefaultCluster(chart);
        var test = Assert.Single(chart.All<V1Pod>());
        var peer = DesiredState.Build(cluster, Images).NetworkPolicies[0].Spec.Ingress[0].FromProperty.Single(p => p.PodSelector is not null);

        Assert.All(peer.PodSelector.MatchLabels, kv => Assert.Equal(kv.Value, test.Metadata.Labels[kv.Key]));
    }

    [Fact]
    public void PrometheusRule_AlertsOnRedisPublishErrorsSlowConsumersDrainAndLeader()
    {
        var rule = Render("--set", "operator.prometheusRule.enabled=true").One<PrometheusRule>();
        var alerts = rule.Spec.Groups.SelectMany(g => g.Rules).Select(r => r.Alert).ToList();
        Assert.Contains("RealtimeRedisDown", alerts);
        Assert.Contains("RealtimePublishErrors", alerts);
        Assert.Contains("RealtimeSlowConsumers", alerts);
        Assert.Contains("RealtimeDrainStuck", alerts);
        Assert.Contains("RealtimeOperatorNoLeader", alerts);
    }

    [Fact]
    public void Dashboard_IsValidJson()
    {
        var map = Assert.Single(Render().All<V1ConfigMap>(), c => c.Metadata.Labels.ContainsKey("grafana_dashboard"));
        using var doc = JsonDocument.Parse(map.Data["realtime.json"]);
        Assert.True(doc.RootElement.GetProperty("panels").GetArrayLength() >= 6);
    }

    [Fact]
    public void Crd_HasPrinterColumnsAndStatusSubresource()
    {
        var version = Assert.Single(Crd().Spec.Versions);
        Assert.NotNull(version.Subresources.Status);
        Assert.Equal(["Ready", "Edges", "Desired", "Connections", "Redis", "Version", "Age"], version.AdditionalPrinterColumns.Select(c => c.Name));
    }

    [Fact]
    public void Crd_DefaultsMatchTheOperatorsDefaults()
    {
        var spec = Schema().Properties["spec"];
        var edge = spec.Properties["edge"];
        var defaults = new EdgeSpec();
        Assert.Equal(defaults.Replicas, Default<int>(edge.Properties["replicas"]));
        Assert.Equal(defaults.BytesPerConnection, Default<int>(edge.Properties["bytesPerConnection"]));
        Assert.Equal(defaults.Autoscaling.MinReplicas, Default<int>(edge.Properties["autoscaling"].Properties["minReplicas"]));
        Assert.Equal(defaults.Autoscaling.TargetCpuUtilization, Default<int>(edge.Properties["autoscaling"].Properties["targetCpuUtilization"]));
        Assert.Equal(new ExposureSpec().Type, Default<string>(spec.Properties["exposure"].Properties["type"]));
        Assert.Equal(new ExposureSpec().WebSocketTimeoutSeconds, Default<int>(spec.Properties["exposure"].Properties["webSocketTimeoutSeconds"]));
        Assert.Equal(new RedisSpec().Mode, Default<string>(spec.Properties["redis"].Properties["mode"]));
        Assert.Equal(new RedisSpec().SentinelPort, Default<int>(spec.Properties["redis"].Properties["sentinelPort"]));
        Assert.Equal(new UpgradeSpec().MaxSurge, Default<string>(spec.Properties["upgrade"].Properties["maxSurge"]));
    }

    public static TheoryData<string> GoodExamples => new()
    {
        """{"spec":{}}""",
        """{"spec":{"edge":{"replicas":3,"autoscaling":{"enabled":false}},"exposure":{"type":"Gateway","gatewayName":"public"}}}""",
        """{"spec":{"edge":{"maxConnections":20000,"resources":{"limits":{"memory":"1Gi"}}},"redis":{"mode":"Sentinel","prefix":"blue-1"},"history":{"namespaces":{"room":{"maxMessages":100,"ttlSeconds":600}}}}}""",
        """{"spec":{"networkPolicy":{"enabled":true,"edgeIngressNamespaceLabels":{"team":"ingress"}},"upgrade":{"maxSurge":"1"}}}""",
        """{"spec":{"redis":{"mode":"Sharded","sentinelPort":26380}}}""",
        """{"spec":{"presence":{"notifyNamespaces":["room"]},"events":{"webhooks":[{"url":"https://b.test/e","secretRef":{"name":"h","key":"k"},"eventTypes":["connected"]}]}}}""",
    };

    [Fact]
    public void WebhooksAndPresenceNotices_ReachTheSpec_AndTheDispatcher()
    {
        var cluster = DefaultCluster(Render(
            "--set", "events.webhooks[0].url=https://backend.test/events", "--set", "events.webhooks[0].secretRef.name=hooks",
            "--set", "events.webhooks[0].secretRef.key=signing", "--set", "presence.notifyNamespaces[0]=room"));
        var webhook = Assert.Single(cluster.Spec.Events.Webhooks);
        Assert.Equal("https://backend.test/events", webhook.Url);
        Assert.Equal("hooks", webhook.SecretRef.Name);
        Assert.Equal(["room"], cluster.Spec.Presence.NotifyNamespaces);
        var dispatcher = DesiredState.Build(cluster, Images).DispatcherDeployment.Spec.Template.Spec.Containers[0];
        Assert.Contains(dispatcher.Env, e => e.Name == "Realtime__Webhooks__Endpoints__0__Url");
    }

    [Fact]
    public void RedisMode_ReachesTheSpec_AndShardedGivesTheServicesTheShardList()
    {
        var cluster = DefaultCluster(Render("--set", "redis.mode=Sharded"));
        Assert.Equal("Sharded", cluster.Spec.Redis.Mode);
        var edge = DesiredState.Build(cluster, Images).EdgeDeployment.Spec.Template.Spec.Containers[0];
        Assert.Contains(edge.Env, e => e.Name == "REDIS_SHARDS");
        Assert.Equal(26379, DefaultCluster(Render("--set", "redis.mode=Sentinel")).Spec.Redis.SentinelPort);
    }

    public static TheoryData<string, string> BadExamples => new()
    {
        { """{}""", "spec is required" },
        { """{"spec":{"edge":{"replicas":0}}}""", "replicas minimum 1" },
        { """{"spec":{"exposure":{"type":"LoadBalancer"}}}""", "exposure type enum" },
        { """{"spec":{"redis":{"prefix":"not a prefix!"}}}""", "prefix pattern" },
        { """{"spec":{"edge":{"autoscaling":{"targetCpuUtilization":150}}}}""", "cpu maximum 100" },
        { """{"spec":{"redis":{"mode":"Cluster2"}}}""", "redis mode enum" },
        { """{"spec":{"redis":{"sentinelPort":0}}}""", "sentinel port minimum" },
        { """{"spec":{"events":{"webhooks":[{"url":"https://b.test/e"}]}}}""", "webhook needs its secret" },
        { """{"spec":{"events":{"webhooks":[{"url":"https://b.test/e","secretRef":{"name":"h","key":"k"},"eventTypes":["logged_in"]}]}}}""", "event type enum" },
        { """{"spec":{"history":{"namespaces":{"room":{"maxMessages":-1,"ttlSeconds":1}}}}}""", "history minimum" },
        { """{"spec":{"auth":{"hmacSecret":{"name":"x"}}}}""", "secret ref needs key" },
    };

    [Theory]
    [MemberData(nameof(GoodExamples))]
    public void Crd_Schema_AcceptsGoodResources(string resource) =>
        Assert.True(Evaluate(resource).IsValid, resource);

    [Theory]
    [MemberData(nameof(BadExamples))]
    public void Crd_Schema_RejectsBadResources(string resource, string why) =>
        Assert.False(Evaluate(resource).IsValid, why);

    [Fact]
    public void Crd_Schema_AcceptsTheChartsDefaultCluster()
    {
        var chart = Render("--set", "ingress.enabled=true", "--set", "networkPolicy.enabled=true");
        var cluster = Assert.Single(chart.All<object>(), o => o.GetType().Name == "RealtimeCluster");
        Assert.True(Evaluate(KubernetesJson.Serialize(cluster)).IsValid);
    }

    private EvaluationResults Evaluate(string resource)
    {
        // OpenAPI v3 structural schema -> JSON Schema: the x-kubernetes-* extensions only steer pruning and merging.
        var json = System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(Schema()))!;
        StripExtensions(json);
        var schema = JsonSchema.FromText(json.ToJsonString());
        using var doc = JsonDocument.Parse(resource);
        return schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static void StripExtensions(System.Text.Json.Nodes.JsonNode node)
    {
        if (node is System.Text.Json.Nodes.JsonObject obj)
        {
            foreach (var key in obj.Select(kv => kv.Key).Where(k => k.StartsWith("x-kubernetes-", StringComparison.Ordinal) || k == "nullable").ToList())
            {
                obj.Remove(key);
            }

            foreach (var (_, child) in obj)
            {
                if (child is not null)
                {
                    StripExtensions(child);
                }
            }
        }
        else if (node is System.Text.Json.Nodes.JsonArray array)
        {
            foreach (var child in array.OfType<System.Text.Json.Nodes.JsonNode>())
            {
                StripExtensions(child);
            }
        }
    }

    private V1JSONSchemaProps Schema() =>
        Assert.Single(Crd().Spec.Versions).Schema.OpenAPIV3Schema;

    /// <summary>The CRD exactly as Helm applies it (files in crds/ are not templated), loaded strictly into the typed model.</summary>
    private V1CustomResourceDefinition Crd()
    {
        var yaml = File.ReadAllText(Path.Combine(renderer.ChartDir, "crds", "realtimeclusters.realtime.dev.yaml"));
        return Assert.IsType<V1CustomResourceDefinition>(Assert.Single(KubernetesYaml.LoadAllFromString(yaml, strict: true)));
    }

    private static T Default<T>(V1JSONSchemaProps property) =>
        JsonSerializer.Deserialize<T>(KubernetesJson.Serialize(property.DefaultProperty))!;

    private static RealtimeCluster DefaultCluster(RenderedChart chart) =>
        (RealtimeCluster)Assert.Single(chart.All<object>(), o => o is RealtimeCluster);
}
