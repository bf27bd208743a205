using k8s.Models;
using Realtime.Chart.Tests.Rendering;
using static Realtime.Chart.Tests.Rendering.Manifest;

namespace Realtime.Chart.Tests;

/// <summary>`helm install rt charts/realtime --set redis.url=...` with nothing else.</summary>
[Collection(ChartCollection.Name)]
public sealed class DefaultsTests(ChartRenderer renderer)
{
    private readonly RenderedChart _chart = renderer.RenderDefaults();

    [Fact]
    public void Render_Defaults_HpaTargetsEdgeDeployment()
    {
        var hpa = _chart.One<V2HorizontalPodAutoscaler>();
        Assert.Equal("apps/v1", hpa.Spec.ScaleTargetRef.ApiVersion);
        Assert.Equal("Deployment", hpa.Spec.ScaleTargetRef.Kind);
        Assert.Equal(_chart.EdgeDeployment.Metadata.Name, hpa.Spec.ScaleTargetRef.Name);
        Assert.True(hpa.Spec.MinReplicas >= 2);
        Assert.True(hpa.Spec.MaxReplicas > hpa.Spec.MinReplicas);
        // The HPA owns the replica count.
        Assert.Null(_chart.EdgeDeployment.Spec.Replicas);
    }

    [Fact]
    public void Render_Defaults_HpaScalesOnCpuAndScalesDownSlowly()
    {
        var hpa = _chart.One<V2HorizontalPodAutoscaler>();
        var metric = Assert.Single(hpa.Spec.Metrics);
        Assert.Equal("Resource", metric.Type);
        Assert.Equal("cpu", metric.Resource.Name);
        Assert.Equal("Utilization", metric.Resource.Target.Type);

        var down = hpa.Spec.Behavior.ScaleDown;
        Assert.True(down.StabilizationWindowSeconds >= 600);
        Assert.Equal("Min", down.SelectPolicy);
        var policy = Assert.Single(down.Policies);
        Assert.Equal("Pods", policy.Type);
        Assert.Equal(1, policy.Value);
        Assert.True(policy.PeriodSeconds >= 300);

        var up = hpa.Spec.Behavior.ScaleUp;
        Assert.Equal(0, up.StabilizationWindowSeconds);
        Assert.All(up.Policies, p => Assert.True(p.PeriodSeconds <= 60));
    }

    [Fact]
    public void Render_Defaults_ServerIdComesFromPodName()
    {
        foreach (var container in new[] { _chart.EdgeContainer, _chart.DispatcherContainer })
        {
            foreach (var name in new[] { "SERVER_ID", "POD_NAME" })
            {
                var env = Env(container, name);
                Assert.Null(env.Value);
                Assert.Equal("metadata.name", env.ValueFrom.FieldRef.FieldPath);
            }

            Assert.Equal("true", Env(container, "ENABLE_WEBSOCKET_CLUSTERING").Value);
            Assert.Equal("rt-realtime", Env(container, "Realtime__Redis__Prefix").Value); // one prefix per release by default
        }
    }

    [Fact]
    public void Render_Defaults_EdgeProbesAndPreStopAreWired()
    {
        var edge = _chart.EdgeContainer;
        var port = Assert.Single(edge.Ports);
        Assert.Equal(("http", 8080), (port.Name, port.ContainerPort));

        Assert.Equal("/healthz/ready", edge.ReadinessProbe.HttpGet.Path);
        Assert.Equal("http", edge.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal("/healthz/live", edge.LivenessProbe.HttpGet.Path);
        Assert.Equal("/healthz/live", edge.StartupProbe.HttpGet.Path);
        // Readiness must drop within one probe period once draining starts.
        Assert.Equal(1, edge.ReadinessProbe.FailureThreshold);

        // Kubernetes 1.31 (the default here): the built-in sleep action, no binary needed.
        Assert.Equal(10, edge.Lifecycle.PreStop.Sleep.Seconds);
        Assert.Null(edge.Lifecycle.PreStop.Exec);

        Assert.Equal("20", Env(edge, "Realtime__Edge__DrainSeconds").Value);
        Assert.Equal("25", Env(edge, "Realtime__Edge__PingIntervalSeconds").Value);
        Assert.False(HasEnv(edge, "Realtime__Edge__MaxConnections"));
    }

    [Fact]
    public void Render_Defaults_GracePeriodExceedsPreStopPlusDrain()
    {
        var spec = _chart.EdgeDeployment.Spec.Template.Spec;
        var preStop = spec.Containers[0].Lifecycle.PreStop.Sleep.Seconds;
        var drain = int.Parse(Env(spec.Containers[0], "Realtime__Edge__DrainSeconds").Value, System.Globalization.CultureInfo.InvariantCulture);
        // preStop, then the drain window, then the host's shutdown slack (drain + 5 s inside the service) and margin.
        Assert.True(spec.TerminationGracePeriodSeconds > preStop + drain + 10,
            $"grace {spec.TerminationGracePeriodSeconds} <= preStop {preStop} + drain {drain} + 10");

        var dispatcher = _chart.DispatcherDeployment.Spec.Template.Spec;
        Assert.True(dispatcher.TerminationGracePeriodSeconds > dispatcher.Containers[0].Lifecycle.PreStop.Sleep.Seconds + 10);
    }

    [Fact]
    public void Render_Defaults_RollingUpdateNeverRemovesReadyEdge()
    {
        var strategy = _chart.EdgeDeployment.Spec.Strategy;
        Assert.Equal("RollingUpdate", strategy.Type);
        Assert.Equal("0", strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.NotEqual("0", strategy.RollingUpdate.MaxSurge.Value);
    }

    [Fact]
    public void Render_Defaults_DirectModeHasNoRbacAtAll()
    {
        // Neither the edges nor the dispatcher talk to the API server (the operator does, in operator mode).
        Assert.Empty(_chart.All<V1Role>());
        Assert.Empty(_chart.All<V1RoleBinding>());
        Assert.Empty(_chart.All<V1ClusterRole>());
        Assert.Empty(_chart.All<V1ClusterRoleBinding>());
    }

    [Fact]
    public void Render_Defaults_EdgeHasNoApiToken()
    {
        var spec = _chart.EdgeDeployment.Spec.Template.Spec;
        Assert.False(spec.AutomountServiceAccountToken);
        var sa = _chart.One<V1ServiceAccount>(spec.ServiceAccountName);
        Assert.False(sa.AutomountServiceAccountToken);
        Assert.NotEqual(spec.ServiceAccountName, _chart.DispatcherDeployment.Spec.Template.Spec.ServiceAccountName);
    }

    [Fact]
    public void Render_Defaults_SelectorsMatchPodTemplateLabels()
    {
        var edge = _chart.EdgeDeployment;
        var dispatcher = _chart.DispatcherDeployment;
        var edgePod = edge.Spec.Template.Metadata.Labels;
        var dispatcherPod = dispatcher.Spec.Template.Metadata.Labels;

        Assert.True(Selects(edge.Spec.Selector.MatchLabels, edgePod));
        Assert.True(Selects(dispatcher.Spec.Selector.MatchLabels, dispatcherPod));
        // Each selector picks its own component only.
        Assert.False(Selects(edge.Spec.Selector.MatchLabels, dispatcherPod));
        Assert.False(Selects(dispatcher.Spec.Selector.MatchLabels, edgePod));

        var edgeSvc = _chart.One<V1Service>(RenderedChart.EdgeName);
        var dispatcherSvc = _chart.One<V1Service>(RenderedChart.DispatcherName);
        Assert.True(Selects(edgeSvc.Spec.Selector, edgePod));
        Assert.False(Selects(edgeSvc.Spec.Selector, dispatcherPod));
        Assert.True(Selects(dispatcherSvc.Spec.Selector, dispatcherPod));
        Assert.False(Selects(dispatcherSvc.Spec.Selector, edgePod));

        var edgePdb = _chart.One<V1PodDisruptionBudget>(RenderedChart.EdgeName);
        var dispatcherPdb = _chart.One<V1PodDisruptionBudget>(RenderedChart.DispatcherName);
        Assert.True(Selects(edgePdb.Spec.Selector.MatchLabels, edgePod));
        Assert.True(Selects(dispatcherPdb.Spec.Selector.MatchLabels, dispatcherPod));
        Assert.Equal("1", edgePdb.Spec.MaxUnavailable.Value);

        foreach (var (deployment, pod) in new[] { (edge, edgePod), (dispatcher, dispatcherPod) })
        {
            var spread = Assert.Single(deployment.Spec.Template.Spec.TopologySpreadConstraints);
            Assert.Equal("kubernetes.io/hostname", spread.TopologyKey);
            Assert.True(Selects(spread.LabelSelector.MatchLabels, pod));
            Assert.Contains("pod-template-hash", spread.MatchLabelKeys);
        }

    }

    [Fact]
    public void Render_Defaults_PodsRunNonRootReadOnlyWithoutCapabilities()
    {
        var specs = AllPodSpecs(_chart).ToList();
        Assert.Equal(3, specs.Count); // edge, dispatcher, helm test pod
        foreach (var spec in specs)
        {
            Assert.True(spec.SecurityContext.RunAsNonRoot);
            Assert.Equal(1654, spec.SecurityContext.RunAsUser);
            Assert.Equal("RuntimeDefault", spec.SecurityContext.SeccompProfile.Type);
            var tmp = Assert.Single(spec.Volumes, v => v.Name == "tmp");
            Assert.NotNull(tmp.EmptyDir);
            foreach (var c in spec.Containers)
            {
                Assert.False(c.SecurityContext.AllowPrivilegeEscalation);
                Assert.True(c.SecurityContext.ReadOnlyRootFilesystem);
                Assert.Equal(["ALL"], c.SecurityContext.Capabilities.Drop);
                Assert.Null(c.SecurityContext.Privileged);
                Assert.Contains(c.VolumeMounts, m => m.Name == "tmp" && m.MountPath == "/tmp");
                Assert.True(c.Resources.Requests.ContainsKey("cpu"));
                Assert.True(c.Resources.Requests.ContainsKey("memory"));
                Assert.True(c.Resources.Limits.ContainsKey("memory"));
            }
        }
    }

    [Fact]
    public void Render_Defaults_DispatcherServiceExposesHttpAndH2cGrpc()
    {
        var svc = _chart.One<V1Service>(RenderedChart.DispatcherName);
        Assert.Collection(svc.Spec.Ports,
            http => Assert.Equal(("http", 8080, "http"), (http.Name, http.Port, http.TargetPort.Value)),
            grpc =>
            {
                Assert.Equal(("grpc", 8081, "grpc"), (grpc.Name, grpc.Port, grpc.TargetPort.Value));
                Assert.Equal("kubernetes.io/h2c", grpc.AppProtocol);
            });
        var ports = _chart.DispatcherContainer.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        Assert.Equal(new Dictionary<string, int> { ["http"] = 8080, ["grpc"] = 8081 }, ports);

        var edgeSvc = _chart.One<V1Service>(RenderedChart.EdgeName);
        var edgePort = Assert.Single(edgeSvc.Spec.Ports);
        Assert.Equal(("http", 80, "http"), (edgePort.Name, edgePort.Port, edgePort.TargetPort.Value));
    }

    [Fact]
    public void Render_Defaults_DispatcherHasNoKubernetesAccess()
    {
        var d = _chart.DispatcherContainer;
        Assert.DoesNotContain(d.Env, e => e.Name.StartsWith("Realtime__Dispatcher__Kubernetes__", StringComparison.Ordinal));
        Assert.False(_chart.DispatcherDeployment.Spec.Template.Spec.AutomountServiceAccountToken);
        Assert.Equal("/healthz/ready", d.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz/live", d.LivenessProbe.HttpGet.Path);
        Assert.False(HasEnv(_chart.EdgeContainer, "Realtime__Dispatcher__ApiKeys"));
    }

    [Fact]
    public void Render_Defaults_SecretsComeFromChartSecret()
    {
        var secret = _chart.One<V1Secret>();
        Assert.Equal(RenderedChart.SecretName, secret.Metadata.Name);
        Assert.Equal(["api-keys", "jwt-secret", "redis-url"], secret.Data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ChartRenderer.RedisUrl, SecretValue(secret, "redis-url"));
        // Generated when not given: long random values.
        Assert.True(SecretValue(secret, "jwt-secret").Length >= 32);
        Assert.True(SecretValue(secret, "api-keys").Length >= 16);

        foreach (var (container, key, env) in new[]
                 {
                     (_chart.EdgeContainer, "redis-url", "REDIS_URL"),
                     (_chart.EdgeContainer, "jwt-secret", "Realtime__Auth__HmacSecret"),
                     (_chart.DispatcherContainer, "redis-url", "REDIS_URL"),
                     (_chart.DispatcherContainer, "api-keys", "Realtime__Dispatcher__ApiKeys"),
                 })
        {
            var reference = Env(container, env).ValueFrom.SecretKeyRef;
            Assert.Equal((RenderedChart.SecretName, key), (reference.Name, reference.Key));
        }
    }

    [Fact]
    public void Render_Defaults_HelmTestPodPublishesThroughServices()
    {
        var pod = _chart.One<V1Pod>();
        Assert.Equal("realtime/templates/tests/selftest-pod.yaml", _chart.SourceOf(pod));
        Assert.Equal("test", pod.Metadata.Annotations["helm.sh/hook"]);
        Assert.Equal("Never", pod.Spec.RestartPolicy);

        var c = Assert.Single(pod.Spec.Containers);
        Assert.Equal(_chart.DispatcherContainer.Image, c.Image);
        Assert.Equal(
            ["dotnet", "/app/cli/Realtime.Cli.dll", "selftest",
             "--edge", $"ws://{RenderedChart.EdgeName}:80/ws",
             "--dispatcher", $"http://{RenderedChart.DispatcherName}:8080"],
            c.Command);
        Assert.Equal("jwt-secret", Env(c, "Realtime__Auth__HmacSecret").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("api-keys", Env(c, "Realtime__Dispatcher__ApiKeys").ValueFrom.SecretKeyRef.Key);
    }

    [Fact]
    public void Render_Defaults_OptionalObjectsAreOff()
    {
        Assert.Empty(_chart.All<V1Ingress>());
        Assert.Empty(_chart.All<V1NetworkPolicy>());
        Assert.Empty(_chart.All<Crds.HttpRoute>());
        Assert.Empty(_chart.All<Crds.ServiceMonitor>());
        Assert.Empty(_chart.All<Crds.ScaledObject>());
    }

    [Fact]
    public void Render_Defaults_EveryObjectInReleaseNamespaceWithChartLabels()
    {
        foreach (var obj in _chart.Objects.OfType<k8s.IKubernetesObject<V1ObjectMeta>>())
        {
            Assert.Equal(ChartRenderer.Namespace, obj.Metadata.NamespaceProperty);
            Assert.Equal(ChartRenderer.ReleaseName, obj.Metadata.Labels["app.kubernetes.io/instance"]);
            Assert.Equal("Helm", obj.Metadata.Labels["app.kubernetes.io/managed-by"]);
        }
    }

    [Fact]
    public void Render_OldKubernetes_PreStopFallsBackToExecSleep()
    {
        var chart = renderer.RenderDefaults("--kube-version", "1.29.0");
        var preStop = chart.EdgeContainer.Lifecycle.PreStop;
        Assert.Null(preStop.Sleep);
        Assert.Equal(["sleep", "10"], preStop.Exec.Command);
    }
}
