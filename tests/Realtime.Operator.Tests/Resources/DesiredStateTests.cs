using k8s;
using k8s.Models;
using Realtime.Operator.Resources;

namespace Realtime.Operator.Tests.Resources;

public class DesiredStateTests
{
    [Fact]
    public void Autoscaling_On_LeavesReplicasToTheHpa()
    {
        var desired = Clusters.Build(s => s.Edge.Autoscaling = new EdgeAutoscalingSpec { Enabled = true, MinReplicas = 3, MaxReplicas = 12, TargetCpuUtilization = 60 });

        Assert.Null(desired.EdgeDeployment.Spec.Replicas);
        var hpa = Assert.IsType<V2HorizontalPodAutoscaler>(desired.EdgeAutoscaler);
        Assert.Equal(3, hpa.Spec.MinReplicas);
        Assert.Equal(12, hpa.Spec.MaxReplicas);
        Assert.Equal("rt-edge", hpa.Spec.ScaleTargetRef.Name);
        var cpu = Assert.Single(hpa.Spec.Metrics);
        Assert.Equal(60, cpu.Resource.Target.AverageUtilization);
        Assert.Equal(300, hpa.Spec.Behavior.ScaleDown.StabilizationWindowSeconds);
        Assert.Null(desired.EdgeScaledObject);
    }

    [Fact]
    public void Autoscaling_WithConnectionsTarget_AddsPodsMetric()
    {
        var desired = Clusters.Build(s => s.Edge.Autoscaling.TargetConnectionsPerPod = 8000);

        var pods = Assert.Single(desired.EdgeAutoscaler!.Spec.Metrics, m => m.Type == "Pods");
        Assert.Equal("realtime_edge_connections", pods.Pods.Metric.Name);
        Assert.Equal("8k", pods.Pods.Target.AverageValue.ToString());
    }

    [Fact]
    public void Autoscaling_Off_SetsReplicasAndNoHpa()
    {
        var desired = Clusters.Build(s =>
        {
            s.Edge.Autoscaling.Enabled = false;
            s.Edge.Replicas = 4;
        });

        Assert.Equal(4, desired.EdgeDeployment.Spec.Replicas);
        Assert.Null(desired.EdgeAutoscaler);
        Assert.DoesNotContain(desired.All(), o => o is V2HorizontalPodAutoscaler);
    }

    [Fact]
    public void Keda_TakesOverTheHpaWithTheTransferAnnotation()
    {
        var desired = Clusters.Build(s => s.Edge.Autoscaling.Keda = true);

        Assert.Null(desired.EdgeAutoscaler);
        var scaled = Assert.IsType<UnstructuredObject>(desired.EdgeScaledObject);
        Assert.Equal("true", scaled.Metadata.Annotations["scaledobject.keda.sh/transfer-hpa-ownership"]);
        Assert.Equal("rt-edge", scaled.Spec["advanced"]!["horizontalPodAutoscalerConfig"]!["name"]!.GetValue<string>());
        Assert.Null(desired.EdgeDeployment.Spec.Replicas);
    }

    [Fact]
    public void MaxConnections_DerivedFromMemoryLimitAndBytesPerConnection()
    {
        var desired = Clusters.Build(s => s.Edge.Resources = new V1ResourceRequirements
        {
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("1Gi") },
        });

        // (1 GiB - 160 MiB baseline) x 0.75 / 32 KiB.
        Assert.Equal("20736", EdgeEnv(desired, "Realtime__Edge__MaxConnections"));
    }

    [Fact]
    public void MaxConnections_ExplicitWins_AndNoLimitKeepsTheEdgeDefault()
    {
        Assert.Equal("1234", EdgeEnv(Clusters.Build(s => s.Edge.MaxConnections = 1234), "Realtime__Edge__MaxConnections"));
        Assert.Equal("50000", EdgeEnv(Clusters.Build(), "Realtime__Edge__MaxConnections"));
        var small = Clusters.Make(configure: s =>
        {
            s.Edge.BytesPerConnection = 64 * 1024;
            s.Edge.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi") } };
        });
        Assert.Equal((int)((512L - 160) * 1024 * 1024 * 0.75 / (64 * 1024)), EdgeCapacity.MaxConnections(small.Spec.Edge));
    }

    [Fact]
    public void Edge_PodTemplate_CarriesOnlySelectorLabelsAndTheConfigHash()
    {
        var deployment = Clusters.Build().EdgeDeployment;
        var template = deployment.Spec.Template;

        Assert.Equal(deployment.Spec.Selector.MatchLabels, template.Metadata.Labels);
        Assert.DoesNotContain(template.Metadata.Labels.Keys, k => k.Contains("version", StringComparison.Ordinal) || k.Contains("chart", StringComparison.Ordinal));
        Assert.Equal([Names.ConfigHashAnnotation], template.Metadata.Annotations.Keys);
        Assert.Equal(DesiredState.ConfigHash(template.Spec), template.Metadata.Annotations[Names.ConfigHashAnnotation]);
    }

    [Fact]
    public void ApiKeyRotation_ChangesTheDispatcherOnly()
    {
        var before = Clusters.Build();
        var after = Clusters.Build(s => s.Dispatcher.ApiKeysSecret.Name = "api-keys-v2");

        Assert.Equal(KubernetesJson.Serialize(before.EdgeDeployment), KubernetesJson.Serialize(after.EdgeDeployment));
        Assert.NotEqual(
            before.DispatcherDeployment.Spec.Template.Metadata.Annotations[Names.ConfigHashAnnotation],
            after.DispatcherDeployment.Spec.Template.Metadata.Annotations[Names.ConfigHashAnnotation]);
        var keys = Assert.Single(after.DispatcherDeployment.Spec.Template.Spec.Containers[0].Env, e => e.Name == "Realtime__Dispatcher__ApiKeys");
        Assert.Equal("api-keys-v2", keys.ValueFrom.SecretKeyRef.Name);
        Assert.DoesNotContain(after.EdgeDeployment.Spec.Template.Spec.Containers[0].Env, e => e.Name.Contains("ApiKeys", StringComparison.Ordinal));
    }

    [Fact]
    public void WhatTheEdgeConsumes_ChangesItsHash()
    {
        var before = Clusters.Build().EdgeDeployment.Spec.Template.Metadata.Annotations[Names.ConfigHashAnnotation];
        var after = Clusters.Build(s => s.Auth.HmacSecret = new SecretKeyRef { Name = "auth-v2", Key = "hmac" }).EdgeDeployment.Spec.Template.Metadata.Annotations[Names.ConfigHashAnnotation];
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void Edge_ServerIdIsThePodName_NoToken_TolerantReadiness_NonZeroPreStop()
    {
        var pod = Clusters.Build().EdgeDeployment.Spec.Template.Spec;
        var edge = Assert.Single(pod.Containers);

        Assert.Equal("metadata.name", Assert.Single(edge.Env, e => e.Name == "SERVER_ID").ValueFrom.FieldRef.FieldPath);
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.True(edge.ReadinessProbe.FailureThreshold > 1);
        Assert.True(edge.ReadinessProbe.FailureThreshold * edge.ReadinessProbe.PeriodSeconds > 2);
        Assert.Null(edge.Lifecycle.PreStop.Sleep);
        Assert.Equal(["/bin/sleep", "5"], edge.Lifecycle.PreStop.Exec.Command);
        Assert.True(pod.TerminationGracePeriodSeconds > 5 + 20);
        Assert.Equal("0", Clusters.Build().EdgeDeployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);

        var noSleep = Clusters.Build(s => s.Edge.PreStopSleepSeconds = 0).EdgeDeployment.Spec.Template.Spec.Containers[0];
        Assert.Null(noSleep.Lifecycle);
    }

    [Fact]
    public void RedisPrefix_IsPerCluster()
    {
        Assert.Equal("blue", EdgeEnv(Clusters.Build(name: "blue"), "Realtime__Redis__Prefix"));
        Assert.Equal("green", EdgeEnv(Clusters.Build(name: "green"), "Realtime__Redis__Prefix"));
        Assert.Equal("shared", EdgeEnv(Clusters.Build(s => s.Redis.Prefix = "shared"), "Realtime__Redis__Prefix"));
        Assert.Equal("redis", Assert.Single(Clusters.Build().EdgeDeployment.Spec.Template.Spec.Containers[0].Env, e => e.Name == "REDIS_URL").ValueFrom.SecretKeyRef.Name);
    }

    [Fact]
    public void Exposure_Ingress_HasWebSocketTimeouts()
    {
        var desired = Clusters.Build(s => s.Exposure = new ExposureSpec { Type = ExposureSpec.Ingress, Host = "rt.example.com", IngressClassName = "nginx", TlsSecretName = "tls", WebSocketTimeoutSeconds = 7200 });

        var ingress = Assert.IsType<V1Ingress>(desired.Ingress);
        Assert.Equal("7200", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]);
        Assert.Equal("rt-edge", ingress.Spec.Rules[0].Http.Paths[0].Backend.Service.Name);
        Assert.Equal("tls", ingress.Spec.Tls[0].SecretName);
        Assert.Null(desired.HttpRoute);
    }

    [Fact]
    public void Exposure_Gateway_IsAnHttpRouteWithTimeout()
    {
        var desired = Clusters.Build(s => s.Exposure = new ExposureSpec { Type = ExposureSpec.Gateway, GatewayName = "public", GatewayNamespace = "gw", Host = "rt.example.com", AppProtocol = "kubernetes.io/ws" });

        var route = Assert.IsType<UnstructuredObject>(desired.HttpRoute);
        Assert.Equal("gateway.networking.k8s.io/v1", route.ApiVersion);
        Assert.Equal("public", route.Spec["parentRefs"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("3600s", route.Spec["rules"]![0]!["timeouts"]!["request"]!.GetValue<string>());
        Assert.Null(desired.Ingress);
        Assert.Equal("kubernetes.io/ws", desired.EdgeService.Spec.Ports[0].AppProtocol);
    }

    [Fact]
    public void Exposure_None_HasNeither()
    {
        var desired = Clusters.Build();
        Assert.Null(desired.Ingress);
        Assert.Null(desired.HttpRoute);
    }

    [Fact]
    public void NetworkPolicy_IngressAndEgress_DnsAndRedisOnly()
    {
        var desired = Clusters.Build(s => s.NetworkPolicy = new NetworkPolicySpec { Enabled = true, RedisCidr = "10.0.0.5/32" });

        Assert.Equal(2, desired.NetworkPolicies.Count);
        foreach (var policy in desired.NetworkPolicies)
        {
            Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);
            Assert.Equal(2, policy.Spec.Egress.Count);
            var dns = policy.Spec.Egress[0];
            Assert.All(dns.Ports, p => Assert.Equal("53", p.Port.Value));
            Assert.Equal(["UDP", "TCP"], dns.Ports.Select(p => p.Protocol));
            var redis = policy.Spec.Egress[1];
            Assert.Equal("6379", Assert.Single(redis.Ports).Port.Value);
            Assert.Equal("10.0.0.5/32", Assert.Single(redis.To).IpBlock.Cidr);
        }

        // Open edge ingress on the WebSocket port when not narrowed.
        Assert.Null(desired.NetworkPolicies[0].Spec.Ingress[0].FromProperty);
        Assert.Empty(Clusters.Build().NetworkPolicies);
    }

    [Fact]
    public void NetworkPolicy_Narrowed_StillAdmitsTheHelmTestPod()
    {
        var desired = Clusters.Build(s =>
        {
            s.NetworkPolicy.Enabled = true;
            s.NetworkPolicy.EdgeIngressNamespaceLabels["kubernetes.io/metadata.name"] = "ingress-nginx";
        });

        var from = desired.NetworkPolicies[0].Spec.Ingress[0].FromProperty;
        Assert.Equal("ingress-nginx", from[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal("true", from[1].PodSelector.MatchLabels["realtime.dev/selftest"]);
        Assert.Equal("rt", from[1].PodSelector.MatchLabels[Names.ClusterLabel]);
    }

    [Fact]
    public void Placement_SpreadsOverZonesAndHosts()
    {
        var spread = Clusters.Build().EdgeDeployment.Spec.Template.Spec.TopologySpreadConstraints;
        Assert.Equal(["topology.kubernetes.io/zone", "kubernetes.io/hostname"], spread.Select(c => c.TopologyKey));
        Assert.All(spread, c => Assert.Equal("edge", c.LabelSelector.MatchLabels["app.kubernetes.io/component"]));

        var none = Clusters.Build(s => s.Placement = new PlacementSpec { ZoneSpread = false, HostSpread = false }).EdgeDeployment.Spec.Template.Spec;
        Assert.Null(none.TopologySpreadConstraints);
    }

    [Fact]
    public void Metrics_ServiceMonitorSelectsBothServices()
    {
        Assert.Null(Clusters.Build().ServiceMonitor);
        var monitor = Assert.IsType<UnstructuredObject>(Clusters.Build(s => s.Metrics.ServiceMonitor = true).ServiceMonitor);
        Assert.Equal("rt", monitor.Spec["selector"]!["matchLabels"]![Names.ClusterLabel]!.GetValue<string>());
        var desired = Clusters.Build();
        Assert.Equal("rt", desired.EdgeService.Metadata.Labels[Names.ClusterLabel]);
        Assert.Equal("rt", desired.DispatcherService.Metadata.Labels[Names.ClusterLabel]);

        // /metrics is scraped on the "metrics" port of both Services, never on the edge's public "http" port.
        Assert.Equal("metrics", monitor.Spec["endpoints"]![0]!["port"]!.GetValue<string>());
        Assert.Equal("9090", EdgeEnv(desired, "Realtime__Edge__MetricsPort"));
        Assert.Contains(desired.EdgeDeployment.Spec.Template.Spec.Containers[0].Ports, p => p.Name == "metrics" && p.ContainerPort == 9090);
        Assert.Equal("metrics", Assert.Single(desired.EdgeService.Spec.Ports, p => p.Name == "metrics").TargetPort.Value);
        Assert.Equal("http", Assert.Single(desired.DispatcherService.Spec.Ports, p => p.Name == "metrics").TargetPort.Value);
        Assert.Equal("http", Assert.Single(desired.EdgeService.Spec.Ports, p => p.Port == 80).TargetPort.Value);
    }

    [Fact]
    public void History_And_Presence_ReachBothComponents()
    {
        var desired = Clusters.Build(s => s.History.Namespaces["room"] = new HistoryPolicySpec { MaxMessages = 100, TtlSeconds = 600 });
        Assert.Equal("100", EdgeEnv(desired, "Realtime__History__Namespaces__room__MaxMessages"));
        Assert.Contains(desired.DispatcherDeployment.Spec.Template.Spec.Containers[0].Env, e => e.Name == "Realtime__History__Namespaces__room__TtlSeconds" && e.Value == "600");
    }

    [Fact]
    public void Images_DefaultToTheVersion()
    {
        Assert.Equal("registry.test/edge:1.0.0", Clusters.Build().EdgeDeployment.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal("registry.test/dispatcher:2.0.0", Clusters.Build(s => s.Version = "2.0.0").DispatcherDeployment.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal("mine:1", Clusters.Build(s => s.Edge.Image = "mine:1").EdgeDeployment.Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public void EveryObject_IsOwnedAndRoundTripsAsItsType()
    {
        var desired = Clusters.Build(s =>
        {
            s.NetworkPolicy.Enabled = true;
            s.Exposure.Type = ExposureSpec.Ingress;
            s.Metrics.ServiceMonitor = true;
        });
        foreach (var item in desired.All())
        {
            var owner = Assert.Single(item.Metadata.OwnerReferences);
            Assert.Equal("RealtimeCluster", owner.Kind);
            Assert.True(owner.Controller);
            Assert.Equal("managed-by", item.Metadata.Labels.Keys.Select(k => k.Split('/').Last()).Single(k => k == "managed-by"));
            var json = KubernetesJson.Serialize(item);
            var back = typeof(KubernetesJson).GetMethods().Single(m => m.Name == "Deserialize" && m.GetParameters()[0].ParameterType == typeof(string))
                .MakeGenericMethod(item.GetType()).Invoke(null, [json, null]);
            Assert.Equal(json, KubernetesJson.Serialize(back));
        }

        Assert.NotNull(desired.DispatcherDisruptionBudget);
        Assert.Null(Clusters.Build(s => s.Dispatcher.Replicas = 1).DispatcherDisruptionBudget);
    }

    [Fact]
    public void RedisModes_Sharded_HandsTheSecretToTheServicesAsTheShardList_SentinelOpensTheSentinelPort()
    {
        var standalone = Clusters.Build(s => s.Redis.UrlSecret = new SecretKeyRef { Name = "redis", Key = "url" });
        Assert.Equal("url", Assert.Single(standalone.EdgeDeployment.Spec.Template.Spec.Containers[0].Env, e => e.Name == "REDIS_URL").ValueFrom.SecretKeyRef.Key);

        var sharded = Clusters.Build(s =>
        {
            s.Redis.Mode = "Sharded";
            s.Redis.UrlSecret = new SecretKeyRef { Name = "redis", Key = "shards" };
            s.NetworkPolicy = new NetworkPolicySpec { Enabled = true };
        });
        foreach (var container in new[] { sharded.EdgeDeployment.Spec.Template.Spec.Containers[0], sharded.DispatcherDeployment.Spec.Template.Spec.Containers[0] })
        {
            Assert.Equal("shards", Assert.Single(container.Env, e => e.Name == "REDIS_SHARDS").ValueFrom.SecretKeyRef.Key);
            Assert.DoesNotContain(container.Env, e => e.Name == "REDIS_URL");
        }

        Assert.Equal(["6379", "26379"], sharded.NetworkPolicies[0].Spec.Egress[1].Ports.Select(p => p.Port.Value));
        var sentinel = Clusters.Build(s =>
        {
            s.Redis.Mode = "Sentinel";
            s.Redis.SentinelPort = 5000;
            s.NetworkPolicy = new NetworkPolicySpec { Enabled = true };
        });
        Assert.All(sentinel.NetworkPolicies, p => Assert.Equal(["6379", "5000"], p.Spec.Egress[1].Ports.Select(x => x.Port.Value)));
    }

    [Fact]
    public void Webhooks_ConfigureTheDispatchersOnly_AndNeverRollTheEdges_PresenceNoticesReachTheEdges()
    {
        var plain = Clusters.Build();
        var withHooks = Clusters.Build(s => s.Events = new EventsSpec
        {
            MaxAttempts = 5,
            Webhooks =
            [
                new WebhookSpec { Url = "https://backend.test/events", SecretRef = new SecretKeyRef { Name = "hooks", Key = "signing" }, EventTypes = ["connected", "disconnected"], ChannelPattern = "room:*" },
            ],
        });

        var env = withHooks.DispatcherDeployment.Spec.Template.Spec.Containers[0].Env;
        Assert.Equal("https://backend.test/events", Assert.Single(env, e => e.Name == "Realtime__Webhooks__Endpoints__0__Url").Value);
        var secret = Assert.Single(env, e => e.Name == "Realtime__Webhooks__Endpoints__0__Secret").ValueFrom.SecretKeyRef;
        Assert.Equal(("hooks", "signing"), (secret.Name, secret.Key));
        Assert.Equal("disconnected", Assert.Single(env, e => e.Name == "Realtime__Webhooks__Endpoints__0__EventTypes__1").Value);
        Assert.Equal("room:*", Assert.Single(env, e => e.Name == "Realtime__Webhooks__Endpoints__0__ChannelPattern").Value);
        Assert.Equal("5", Assert.Single(env, e => e.Name == "Realtime__Webhooks__MaxAttempts").Value);
        Assert.DoesNotContain(withHooks.EdgeDeployment.Spec.Template.Spec.Containers[0].Env, e => e.Name.StartsWith("Realtime__Webhooks", StringComparison.Ordinal));
        Assert.Equal(
            plain.EdgeDeployment.Spec.Template.Metadata.Annotations[Names.ConfigHashAnnotation],
            withHooks.EdgeDeployment.Spec.Template.Metadata.Annotations[Names.ConfigHashAnnotation]);
        Assert.DoesNotContain(plain.DispatcherDeployment.Spec.Template.Spec.Containers[0].Env, e => e.Name.StartsWith("Realtime__Webhooks", StringComparison.Ordinal));

        var notifying = Clusters.Build(s => s.Presence.NotifyNamespaces = ["room", "room:game-*"]);
        Assert.Equal("room:game-*", EdgeEnv(notifying, "Realtime__Presence__NotifyNamespaces__1"));
    }

    private static string EdgeEnv(DesiredObjects desired, string name) =>
        Assert.Single(desired.EdgeDeployment.Spec.Template.Spec.Containers[0].Env, e => e.Name == name).Value;
}
