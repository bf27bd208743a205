using k8s.Models;
using Realtime.Chart.Tests.Crds;
using Realtime.Chart.Tests.Rendering;
using static Realtime.Chart.Tests.Rendering.Manifest;

namespace Realtime.Chart.Tests;

/// <summary>Each values overlay under tests/chart/values.</summary>
[Collection(ChartCollection.Name)]
public sealed class OverlayTests(ChartRenderer renderer)
{
    public static TheoryData<string> ValueFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in OverlayFileNames())
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValueFiles))]
    public void Render_EachValuesFile_LoadsIntoTypedModels(string valuesFile)
    {
        var chart = renderer.RenderOverlay(valuesFile);
        Assert.NotEmpty(chart.Objects);
        Assert.Single(chart.All<V1Deployment>(), d => d.Metadata.Name == RenderedChart.EdgeName);
        Assert.Single(chart.All<V1Deployment>(), d => d.Metadata.Name == RenderedChart.DispatcherName);
        // At most one scaler for the edges, never both an HPA and a ScaledObject.
        Assert.True(chart.All<V2HorizontalPodAutoscaler>().Count() + chart.All<ScaledObject>().Count() <= 1);
    }

    [Fact]
    public void Render_ConnectionsMetric_HpaUsesPodsMetric()
    {
        var chart = renderer.RenderOverlay("autoscaling-connections.yaml");
        var hpa = chart.One<V2HorizontalPodAutoscaler>();
        Assert.Equal(RenderedChart.EdgeName, hpa.Spec.ScaleTargetRef.Name);
        Assert.Equal((3, 50), (hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas));

        var pods = Assert.Single(hpa.Spec.Metrics, m => m.Type == "Pods");
        Assert.Equal("realtime_edge_connections", pods.Pods.Metric.Name);
        Assert.Equal("AverageValue", pods.Pods.Target.Type);
        Assert.Equal("8k", pods.Pods.Target.AverageValue.CanonicalizeString());
        // CPU stays as a second signal; the HPA follows whichever asks for more pods.
        Assert.Single(hpa.Spec.Metrics, m => m.Type == "Resource");
        Assert.Empty(chart.All<ScaledObject>());
    }

    [Fact]
    public void Render_Keda_ScaledObjectReplacesHpa()
    {
        var chart = renderer.RenderOverlay("keda.yaml");
        Assert.Empty(chart.All<V2HorizontalPodAutoscaler>());
        var so = chart.One<ScaledObject>();
        Assert.Equal(("apps/v1", "Deployment", RenderedChart.EdgeName),
            (so.Spec.ScaleTargetRef.ApiVersion, so.Spec.ScaleTargetRef.Kind, so.Spec.ScaleTargetRef.Name));
        Assert.Equal((2, 40), (so.Spec.MinReplicaCount, so.Spec.MaxReplicaCount));

        var prometheus = Assert.Single(so.Spec.Triggers, t => t.Type == "prometheus");
        Assert.Equal("AverageValue", prometheus.MetricType);
        Assert.Equal("6000", prometheus.Metadata["threshold"]);
        Assert.Contains("realtime_edge_connections", prometheus.Metadata["query"], StringComparison.Ordinal);
        Assert.Contains($"namespace=\"{ChartRenderer.Namespace}\"", prometheus.Metadata["query"], StringComparison.Ordinal);
        Assert.Equal("http://prometheus.monitoring.svc:9090", prometheus.Metadata["serverAddress"]);

        var behavior = so.Spec.Advanced!.HorizontalPodAutoscalerConfig!.Behavior!;
        Assert.True(behavior.ScaleDown.StabilizationWindowSeconds >= 600);
        Assert.Null(chart.EdgeDeployment.Spec.Replicas);
    }

    [Fact]
    public void Render_Ingress_RoutesWsToEdgeWithWebSocketTimeouts()
    {
        var chart = renderer.RenderOverlay("ingress.yaml");
        var ingress = chart.One<V1Ingress>();
        Assert.Equal("nginx", ingress.Spec.IngressClassName);
        var annotations = ingress.Metadata.Annotations;
        Assert.Equal("3600", annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]);
        Assert.Equal("3600", annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]);
        Assert.Equal("letsencrypt", annotations["cert-manager.io/cluster-issuer"]);

        var rule = Assert.Single(ingress.Spec.Rules);
        Assert.Equal("rt.example.com", rule.Host);
        var path = Assert.Single(rule.Http.Paths);
        Assert.Equal(("/ws", "Prefix"), (path.Path, path.PathType));
        Assert.Equal(RenderedChart.EdgeName, path.Backend.Service.Name);
        Assert.Equal("http", path.Backend.Service.Port.Name);
        Assert.Equal("rt-example-tls", Assert.Single(ingress.Spec.Tls).SecretName);

        // The edge pings far more often than the proxy gives up on a quiet socket.
        var ping = int.Parse(Env(chart.EdgeContainer, "Realtime__Edge__PingIntervalSeconds").Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ping * 2 < 3600 && ping < 60);
    }

    [Fact]
    public void Render_Gateway_HttpRouteAttachesToParentAndEdge()
    {
        var chart = renderer.RenderOverlay("gateway.yaml");
        var route = chart.One<HttpRoute>();
        var parent = Assert.Single(route.Spec.ParentRefs);
        Assert.Equal(("public-gateway", "gateway-system", "https"), (parent.Name, parent.Namespace, parent.SectionName));
        Assert.Equal(["rt.example.com"], route.Spec.Hostnames);

        var rule = Assert.Single(route.Spec.Rules);
        var match = Assert.Single(rule.Matches);
        Assert.Equal(("PathPrefix", "/ws"), (match.Path!.Type, match.Path.Value));
        var backend = Assert.Single(rule.BackendRefs);
        Assert.Equal((RenderedChart.EdgeName, 80), (backend.Name, backend.Port));
        Assert.Equal("0s", rule.Timeouts!.Request);
        Assert.Empty(chart.All<V1Ingress>());
    }

    [Fact]
    public void Render_NetworkPolicy_SelectsComponentPods()
    {
        var chart = renderer.RenderOverlay("network-policy.yaml");
        var edgePod = chart.EdgeDeployment.Spec.Template.Metadata.Labels;
        var dispatcherPod = chart.DispatcherDeployment.Spec.Template.Metadata.Labels;
        var testPod = chart.One<V1Pod>().Metadata.Labels;

        var edge = chart.One<V1NetworkPolicy>(RenderedChart.EdgeName);
        Assert.True(Selects(edge.Spec.PodSelector.MatchLabels, edgePod));
        Assert.False(Selects(edge.Spec.PodSelector.MatchLabels, dispatcherPod));
        Assert.Equal(["Ingress"], edge.Spec.PolicyTypes);
        var edgeRule = Assert.Single(edge.Spec.Ingress);
        Assert.Equal("http", Assert.Single(edgeRule.Ports).Port.Value);
        Assert.Equal(3, edgeRule.FromProperty.Count); // ingress controller + monitoring + the helm test pod
        // The helm test pod connects to the edges too, even with the edge narrowed to the ingress controller.
        Assert.Contains(edgeRule.FromProperty, peer => peer.PodSelector is not null && Selects(peer.PodSelector.MatchLabels, testPod));

        var dispatcher = chart.One<V1NetworkPolicy>(RenderedChart.DispatcherName);
        Assert.True(Selects(dispatcher.Spec.PodSelector.MatchLabels, dispatcherPod));
        Assert.False(Selects(dispatcher.Spec.PodSelector.MatchLabels, edgePod));
        var api = dispatcher.Spec.Ingress[0];
        Assert.Equal(["http", "grpc"], api.Ports.Select(p => p.Port.Value));
        // The helm test pod can always reach the publish API.
        Assert.Contains(api.FromProperty, peer => peer.PodSelector is not null && Selects(peer.PodSelector.MatchLabels, testPod));
        Assert.Contains(api.FromProperty, peer => peer.NamespaceSelector?.MatchLabels?.ContainsKey("realtime/publisher") == true);
        var metrics = dispatcher.Spec.Ingress[1];
        Assert.Equal("http", Assert.Single(metrics.Ports).Port.Value);
    }

    [Fact]
    public void Render_ServiceMonitor_ScrapesMetricsOnHttpPortOfBothServices()
    {
        var chart = renderer.RenderOverlay("service-monitor.yaml");
        var monitor = chart.One<ServiceMonitor>();
        Assert.Equal("kube-prometheus-stack", monitor.Metadata.Labels["release"]);
        var endpoint = Assert.Single(monitor.Spec.Endpoints);
        Assert.Equal(("http", "/metrics", "15s"), (endpoint.Port, endpoint.Path, endpoint.Interval));
        Assert.Equal([ChartRenderer.Namespace], monitor.Spec.NamespaceSelector!.MatchNames);

        var services = chart.All<V1Service>().ToList();
        Assert.Equal(2, services.Count);
        foreach (var svc in services)
        {
            Assert.True(Selects(monitor.Spec.Selector.MatchLabels, svc.Metadata.Labels), $"ServiceMonitor misses {svc.Metadata.Name}");
            Assert.Contains(svc.Spec.Ports, p => p.Name == "http");
        }
    }

    [Fact]
    public void Render_ExistingSecrets_NoChartSecretAndNamedRefs()
    {
        var chart = renderer.RenderOverlay("existing-secrets.yaml");
        Assert.Empty(chart.All<V1Secret>());

        var expected = new (V1Container Container, string Env, string Secret, string Key)[]
        {
            (chart.EdgeContainer, "REDIS_URL", "platform-redis", "url"),
            (chart.EdgeContainer, "Realtime__Auth__HmacSecret", "platform-jwt", "hs256"),
            (chart.DispatcherContainer, "REDIS_URL", "platform-redis", "url"),
            (chart.DispatcherContainer, "Realtime__Dispatcher__ApiKeys", "platform-publishers", "keys"),
            (Assert.Single(chart.One<V1Pod>().Spec.Containers), "Realtime__Auth__HmacSecret", "platform-jwt", "hs256"),
            (Assert.Single(chart.One<V1Pod>().Spec.Containers), "Realtime__Dispatcher__ApiKeys", "platform-publishers", "keys"),
        };
        foreach (var (container, env, secret, key) in expected)
        {
            var reference = Env(container, env).ValueFrom.SecretKeyRef;
            Assert.Equal((secret, key), (reference.Name, reference.Key));
        }
    }

    [Fact]
    public void Render_FixedReplicas_NoHpaAndPinnedImages()
    {
        var chart = renderer.RenderOverlay("fixed-replicas.yaml");
        Assert.Empty(chart.All<V2HorizontalPodAutoscaler>());
        Assert.Equal(4, chart.EdgeDeployment.Spec.Replicas);
        var pdb = chart.One<V1PodDisruptionBudget>(RenderedChart.EdgeName);
        Assert.Equal("3", pdb.Spec.MinAvailable.Value);
        Assert.Null(pdb.Spec.MaxUnavailable);

        Assert.Equal("registry.example.com/realtime/realtime-edge@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            chart.EdgeContainer.Image);
        Assert.Equal("registry.example.com/realtime/realtime-dispatcher:0.1.0", chart.DispatcherContainer.Image);
        Assert.All(AllPodSpecs(chart), spec => Assert.Equal("regcred", Assert.Single(spec.ImagePullSecrets).Name));

        Assert.Equal("20000", Env(chart.EdgeContainer, "Realtime__Edge__MaxConnections").Value);
        Assert.Equal("https://auth.example.com", Env(chart.EdgeContainer, "Realtime__Auth__Issuer").Value);
        Assert.Equal("realtime", Env(chart.EdgeContainer, "Realtime__Auth__Audience").Value);
        Assert.False(HasEnv(chart.DispatcherContainer, "Realtime__Auth__Audience"));

        var secret = chart.One<V1Secret>();
        Assert.Equal("svc-orders-0123456789abcdef,svc-chat-0123456789abcdef01", SecretValue(secret, "api-keys"));
        Assert.Equal("0123456789abcdef0123456789abcdef-test-only", SecretValue(secret, "jwt-secret"));
    }

    [Fact]
    public void Render_PublicKey_NoHmacAndNoTestPod()
    {
        var chart = renderer.RenderOverlay("public-key.yaml");
        Assert.False(HasEnv(chart.EdgeContainer, "Realtime__Auth__HmacSecret"));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", Env(chart.EdgeContainer, "Realtime__Auth__PublicKeyPem").Value, StringComparison.Ordinal);

        // The dispatcher validates no tokens: not even the public key.
        Assert.DoesNotContain(chart.DispatcherContainer.Env, e => e.Name.StartsWith("Realtime__Auth__", StringComparison.Ordinal));

        Assert.False(chart.One<V1Secret>().Data.ContainsKey("jwt-secret"));
        Assert.Empty(chart.All<V1Pod>());
    }

    [Fact]
    public void Render_DevRedis_ServicesPointAtBundledRedis()
    {
        var chart = renderer.RenderOverlay("dev-redis.yaml");
        var redis = chart.One<V1Deployment>($"{RenderedChart.SecretName}-redis");
        var svc = chart.One<V1Service>($"{RenderedChart.SecretName}-redis");
        Assert.True(Selects(svc.Spec.Selector, redis.Spec.Template.Metadata.Labels));
        Assert.False(Selects(svc.Spec.Selector, chart.EdgeDeployment.Spec.Template.Metadata.Labels));
        Assert.Equal($"redis://{svc.Metadata.Name}:6379", SecretValue(chart.One<V1Secret>(), "redis-url"));
        Assert.DoesNotContain(chart.All<V1PodDisruptionBudget>(), p => p.Metadata.Name == RenderedChart.DispatcherName);
    }

    /// <summary>Finds the overlay files without the fixture (member data is evaluated before fixtures exist).</summary>
    private static IEnumerable<string> OverlayFileNames()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var values = Path.Combine(dir.FullName, "tests", "chart", "values");
            if (Directory.Exists(values))
            {
                return Directory.GetFiles(values, "*.yaml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);
            }
        }

        throw new InvalidOperationException("tests/chart/values not found");
    }
}
