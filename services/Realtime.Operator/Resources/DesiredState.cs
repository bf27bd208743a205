using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>
/// Pure function from a <see cref="RealtimeCluster"/> (and the operator's default images) to the
/// objects it should own. No I/O: unit tests check every spec variant.
/// </summary>
internal static class DesiredState
{
    public const int EdgePort = 8080;

    /// <summary>The edge's /metrics port (Realtime__Edge__MetricsPort): never behind the public Service or ingress.</summary>
    public const int MetricsPort = 9090;
    public const int DispatcherHttpPort = 8080;
    public const int DispatcherGrpcPort = 8081;

    public static DesiredObjects Build(RealtimeCluster cluster, DefaultImages images)
    {
        var spec = cluster.Spec;
        return new DesiredObjects(
            EdgeDeployment(cluster, images),
            EdgeService(cluster),
            spec.Edge.Autoscaling is { Enabled: true, Keda: false } ? EdgeAutoscaler(cluster) : null,
            spec.Edge.Autoscaling is { Enabled: true, Keda: true } ? EdgeScaledObject(cluster) : null,
            DisruptionBudget(cluster, Names.Edge, maxUnavailable: 1),
            DispatcherDeployment(cluster, images),
            DispatcherService(cluster),
            spec.Dispatcher.Replicas > 1 ? DisruptionBudget(cluster, Names.Dispatcher, maxUnavailable: 1) : null,
            spec.NetworkPolicy.Enabled ? [EdgeNetworkPolicy(cluster), DispatcherNetworkPolicy(cluster)] : [],
            spec.Exposure.Type == ExposureSpec.Ingress ? Ingress(cluster) : null,
            spec.Exposure.Type == ExposureSpec.Gateway ? HttpRoute(cluster) : null,
            spec.Metrics.ServiceMonitor ? ServiceMonitor(cluster) : null);
    }

    /// <summary>Hash of everything the edge consumes (its pod spec), put on its template so a change rolls the edges and nothing else does.</summary>
    public static string ConfigHash(V1PodSpec podSpec)
    {
        var json = KubernetesJson.Serialize(podSpec);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }

    private static V1Deployment EdgeDeployment(RealtimeCluster cluster, DefaultImages images)
    {
        var edge = cluster.Spec.Edge;
        var env = new List<V1EnvVar>(CommonEnv(cluster))
        {
            Env("Realtime__Edge__MaxConnections", EdgeCapacity.MaxConnections(edge).ToString(CultureInfo.InvariantCulture)),
            Env("Realtime__Edge__DrainSeconds", edge.DrainSeconds.ToString(CultureInfo.InvariantCulture)),
            Env("Realtime__Edge__MetricsPort", MetricsPort.ToString(CultureInfo.InvariantCulture)),
            Env("Realtime__Edge__PingIntervalSeconds", edge.PingIntervalSeconds.ToString(CultureInfo.InvariantCulture)),
        };
        env.AddRange(edge.AllowedOrigins.Select((origin, i) => Env($"Realtime__Edge__AllowedOrigins__{i}", origin)));
        var auth = cluster.Spec.Auth;
        if (auth.HmacSecret is { Name: not null } hmac)
        {
            env.Add(FromSecret("Realtime__Auth__HmacSecret", hmac));
        }

        if (auth.PublicKeySecret is { Name: not null } publicKey)
        {
            env.Add(FromSecret("Realtime__Auth__PublicKeyPem", publicKey));
        }

        AddIfSet(env, "Realtime__Auth__Issuer", auth.Issuer);
        AddIfSet(env, "Realtime__Auth__Audience", auth.Audience);

        var container = new V1Container
        {
            Name = Names.Edge,
            Image = edge.Image ?? images.Edge(cluster.Spec.Version),
            Ports =
            [
                new V1ContainerPort { ContainerPort = EdgePort, Name = "http", Protocol = "TCP" },
                new V1ContainerPort { ContainerPort = MetricsPort, Name = "metrics", Protocol = "TCP" },
            ],
            Env = env,
            Resources = edge.Resources,
            // Readiness includes Redis: three misses 5 s apart, so a 2 s Redis stall never takes every edge out at once.
            StartupProbe = Probe("/healthz/live", period: 2, failures: 30),
            ReadinessProbe = Probe("/healthz/ready", period: 5, failures: 3),
            LivenessProbe = Probe("/healthz/live", period: 10, failures: 3),
            SecurityContext = ContainerSecurity(),
            VolumeMounts = [new V1VolumeMount { MountPath = "/tmp", Name = "tmp" }],
        };
        if (edge.PreStopSleepSeconds > 0)
        {
            // exec sleep rather than the sleep action: works on every API server version, and 0 is never sent.
            container.Lifecycle = new V1Lifecycle
            {
                PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["/bin/sleep", edge.PreStopSleepSeconds.ToString(CultureInfo.InvariantCulture)] } },
            };
        }

        var podSpec = PodSpec(cluster, Names.Edge, container, edge.PreStopSleepSeconds + edge.DrainSeconds + 10);
        var deployment = Deployment(cluster, Names.Edge, podSpec, edge.Autoscaling.Enabled ? null : edge.Replicas);
        deployment.Spec.Strategy = new V1DeploymentStrategy
        {
            Type = "RollingUpdate",
            // Never take an edge away before its replacement is ready: each holds thousands of connections.
            RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = cluster.Spec.Upgrade.MaxSurge },
        };
        return deployment;
    }

    private static V1Deployment DispatcherDeployment(RealtimeCluster cluster, DefaultImages images)
    {
        var dispatcher = cluster.Spec.Dispatcher;
        var env = new List<V1EnvVar>(CommonEnv(cluster));
        if (dispatcher.ApiKeysSecret.Name is not null)
        {
            env.Add(FromSecret("Realtime__Dispatcher__ApiKeys", dispatcher.ApiKeysSecret));
        }

        env.AddRange(WebhookEnv(cluster.Spec.Events));

        var container = new V1Container
        {
            Name = Names.Dispatcher,
            Image = dispatcher.Image ?? images.Dispatcher(cluster.Spec.Version),
            Ports =
            [
                new V1ContainerPort { ContainerPort = DispatcherHttpPort, Name = "http", Protocol = "TCP" },
                new V1ContainerPort { ContainerPort = DispatcherGrpcPort, Name = "grpc", Protocol = "TCP" },
            ],
            Env = env,
            Resources = dispatcher.Resources,
            StartupProbe = Probe("/healthz/live", period: 2, failures: 30),
            ReadinessProbe = Probe("/healthz/ready", period: 5, failures: 3),
            LivenessProbe = Probe("/healthz/live", period: 10, failures: 3),
            SecurityContext = ContainerSecurity(),
            VolumeMounts = [new V1VolumeMount { MountPath = "/tmp", Name = "tmp" }],
        };
        return Deployment(cluster, Names.Dispatcher, PodSpec(cluster, Names.Dispatcher, container, 30), dispatcher.Replicas);
    }

    private static IEnumerable<V1EnvVar> CommonEnv(RealtimeCluster cluster)
    {
        yield return FromField("SERVER_ID", "metadata.name");
        yield return FromField("POD_NAMESPACE", "metadata.namespace");
        yield return Env("ENABLE_WEBSOCKET_CLUSTERING", "true");
        if (cluster.Spec.Redis.UrlSecret.Name is not null)
        {
            // Sharded: the secret holds the shard list, which the services read as REDIS_SHARDS.
            yield return FromSecret(IsSharded(cluster) ? "REDIS_SHARDS" : "REDIS_URL", cluster.Spec.Redis.UrlSecret);
        }

        yield return Env("Realtime__Redis__Prefix", RedisPrefix(cluster));
        var presence = cluster.Spec.Presence;
        yield return Env("Realtime__Presence__Rooms", presence.Rooms ? "true" : "false");
        yield return Env("Realtime__Presence__Users", presence.Users ? "true" : "false");
        yield return Env("Realtime__Presence__TtlSeconds", presence.TtlSeconds.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < presence.NotifyNamespaces.Count; i++)
        {
            yield return Env($"Realtime__Presence__NotifyNamespaces__{i}", presence.NotifyNamespaces[i]);
        }
        foreach (var (name, policy) in cluster.Spec.History.Namespaces.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            yield return Env($"Realtime__History__Namespaces__{name}__MaxMessages", policy.MaxMessages.ToString(CultureInfo.InvariantCulture));
            yield return Env($"Realtime__History__Namespaces__{name}__TtlSeconds", policy.TtlSeconds.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Webhook endpoints for the dispatchers (only they deliver, so edges never roll for these).</summary>
    private static IEnumerable<V1EnvVar> WebhookEnv(EventsSpec events)
    {
        if (events.Webhooks.Count == 0)
        {
            yield break;
        }

        yield return Env("Realtime__Webhooks__MaxAttempts", events.MaxAttempts.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < events.Webhooks.Count; i++)
        {
            var webhook = events.Webhooks[i];
            var prefix = $"Realtime__Webhooks__Endpoints__{i}__";
            yield return Env(prefix + "Url", webhook.Url);
            yield return FromSecret(prefix + "Secret", webhook.SecretRef);
            for (var j = 0; j < webhook.EventTypes.Count; j++)
            {
                yield return Env($"{prefix}EventTypes__{j}", webhook.EventTypes[j]);
            }

            if (!string.IsNullOrEmpty(webhook.ChannelPattern))
            {
                yield return Env(prefix + "ChannelPattern", webhook.ChannelPattern);
            }
        }
    }

    private static bool IsSharded(RealtimeCluster cluster) => string.Equals(cluster.Spec.Redis.Mode, "Sharded", StringComparison.Ordinal);

    /// <summary>The cluster's Redis key prefix (Redis prefixes are at most 32 characters).</summary>
    public static string RedisPrefix(RealtimeCluster cluster)
    {
        var prefix = Names.RedisPrefix(cluster);
        return prefix.Length <= 32 ? prefix : prefix[..32];
    }

    private static V1Deployment Deployment(RealtimeCluster cluster, string component, V1PodSpec podSpec, int? replicas)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [Names.ConfigHashAnnotation] = ConfigHash(podSpec) };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Names.Meta(cluster, Names.Of(cluster, component), component),
            Spec = new V1DeploymentSpec
            {
                // Null with autoscaling: applying a count would fight the HPA (and drop to one replica on install).
                Replicas = replicas,
                RevisionHistoryLimit = 5,
                Selector = new V1LabelSelector { MatchLabels = Names.Selector(cluster, component) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Names.Selector(cluster, component), Annotations = annotations },
                    Spec = podSpec,
                },
            },
        };
    }

    private static V1PodSpec PodSpec(RealtimeCluster cluster, string component, V1Container container, int gracePeriod)
    {
        var placement = cluster.Spec.Placement;
        var spread = new List<V1TopologySpreadConstraint>();
        if (placement.ZoneSpread)
        {
            spread.Add(Spread(cluster, component, "topology.kubernetes.io/zone"));
        }

        if (placement.HostSpread)
        {
            spread.Add(Spread(cluster, component, "kubernetes.io/hostname"));
        }

        return new V1PodSpec
        {
            // Neither the edges nor the dispatcher talk to the API server.
            AutomountServiceAccountToken = false,
            EnableServiceLinks = false,
            TerminationGracePeriodSeconds = gracePeriod,
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = true,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            NodeSelector = placement.NodeSelector,
            Tolerations = placement.Tolerations,
            TopologySpreadConstraints = spread.Count > 0 ? spread : null,
            Containers = [container],
            Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("64Mi") } }],
        };
    }

    private static V1TopologySpreadConstraint Spread(RealtimeCluster cluster, string component, string key) => new()
    {
        TopologyKey = key,
        MaxSkew = 1,
        WhenUnsatisfiable = "ScheduleAnyway",
        LabelSelector = new V1LabelSelector { MatchLabels = Names.Selector(cluster, component) },
        MatchLabelKeys = ["pod-template-hash"],
    };

    private static V1Probe Probe(string path, int period, int failures) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = "http" },
        PeriodSeconds = period,
        TimeoutSeconds = 3,
        FailureThreshold = failures,
    };

    private static V1SecurityContext ContainerSecurity() => new()
    {
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        RunAsNonRoot = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
    };

    private static V1EnvVar FromSecret(string name, SecretKeyRef secret) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Key = secret.Key, Name = secret.Name } } };

    private static V1EnvVar FromField(string name, string path) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = path } } };

    private static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    private static void AddIfSet(List<V1EnvVar> env, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            env.Add(Env(name, value));
        }
    }

    private static V1Service EdgeService(RealtimeCluster cluster) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Names.Meta(cluster, Names.Of(cluster, Names.Edge), Names.Edge),
        Spec = new V1ServiceSpec
        {
            Selector = Names.Selector(cluster, Names.Edge),
            Ports =
            [
                new V1ServicePort { Port = 80, Name = "http", TargetPort = "http", Protocol = "TCP", AppProtocol = cluster.Spec.Exposure.AppProtocol },
                // Scraped by the ServiceMonitor; the ingress routes to "http" only, and /metrics answers 404 there.
                new V1ServicePort { Port = MetricsPort, Name = "metrics", TargetPort = "metrics", Protocol = "TCP", AppProtocol = "http" },
            ],
        },
    };

    private static V1Service DispatcherService(RealtimeCluster cluster) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Names.Meta(cluster, Names.Of(cluster, Names.Dispatcher), Names.Dispatcher),
        Spec = new V1ServiceSpec
        {
            Selector = Names.Selector(cluster, Names.Dispatcher),
            Ports =
            [
                new V1ServicePort { Port = DispatcherHttpPort, Name = "http", TargetPort = "http", Protocol = "TCP", AppProtocol = "http" },
                new V1ServicePort { Port = DispatcherGrpcPort, Name = "grpc", TargetPort = "grpc", Protocol = "TCP", AppProtocol = "kubernetes.io/h2c" },
                // The ServiceMonitor scrapes every component's "metrics" port (the dispatcher's is its HTTP port).
                new V1ServicePort { Port = MetricsPort, Name = "metrics", TargetPort = "http", Protocol = "TCP", AppProtocol = "http" },
            ],
        },
    };

    private static V2HorizontalPodAutoscaler EdgeAutoscaler(RealtimeCluster cluster)
    {
        var autoscaling = cluster.Spec.Edge.Autoscaling;
        var metrics = new List<V2MetricSpec>
        {
            new()
            {
                Type = "Resource",
                Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = autoscaling.TargetCpuUtilization } },
            },
        };
        if (autoscaling.TargetConnectionsPerPod is { } connections)
        {
            metrics.Add(new V2MetricSpec
            {
                Type = "Pods",
                Pods = new V2PodsMetricSource
                {
                    Metric = new V2MetricIdentifier { Name = "realtime_edge_connections" },
                    Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity(connections.ToString(CultureInfo.InvariantCulture)) },
                },
            });
        }

        return new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = Names.Meta(cluster, Names.Of(cluster, Names.Edge), Names.Edge),
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { Kind = "Deployment", Name = Names.Of(cluster, Names.Edge), ApiVersion = "apps/v1" },
                MinReplicas = autoscaling.MinReplicas,
                MaxReplicas = autoscaling.MaxReplicas,
                Metrics = metrics,
                Behavior = autoscaling.Behavior ?? DefaultBehavior(),
            },
        };
    }

    /// <summary>Scale up at once; scale down one pod a minute after five quiet minutes (each removed pod moves its connections).</summary>
    private static V2HorizontalPodAutoscalerBehavior DefaultBehavior() => new()
    {
        ScaleDown = new V2HPAScalingRules
        {
            StabilizationWindowSeconds = 300,
            Policies = [new V2HPAScalingPolicy { PeriodSeconds = 60, Type = "Pods", Value = 1 }],
        },
    };

    private static UnstructuredObject EdgeScaledObject(RealtimeCluster cluster)
    {
        var autoscaling = cluster.Spec.Edge.Autoscaling;
        var meta = Names.Meta(cluster, Names.Of(cluster, Names.Edge), Names.Edge);
        // Lets KEDA adopt the HPA this operator created before KEDA was enabled (its webhook rejects the ScaledObject otherwise).
        meta.Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["scaledobject.keda.sh/transfer-hpa-ownership"] = "true" };
        return new UnstructuredObject
        {
            ApiVersion = "keda.sh/v1alpha1",
            Kind = "ScaledObject",
            Plural = "scaledobjects",
            Metadata = meta,
            Spec = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject { ["name"] = Names.Of(cluster, Names.Edge) },
                ["minReplicaCount"] = autoscaling.MinReplicas,
                ["maxReplicaCount"] = autoscaling.MaxReplicas,
                ["advanced"] = new JsonObject
                {
                    ["horizontalPodAutoscalerConfig"] = new JsonObject { ["name"] = Names.Of(cluster, Names.Edge) },
                },
                ["triggers"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["type"] = "cpu",
                        ["metricType"] = "Utilization",
                        ["metadata"] = new JsonObject { ["value"] = autoscaling.TargetCpuUtilization.ToString(CultureInfo.InvariantCulture) },
                    },
                },
            },
        };
    }

    private static V1PodDisruptionBudget DisruptionBudget(RealtimeCluster cluster, string component, int maxUnavailable) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = Names.Meta(cluster, Names.Of(cluster, component), component),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = maxUnavailable,
            Selector = new V1LabelSelector { MatchLabels = Names.Selector(cluster, component) },
        },
    };

    private static V1NetworkPolicy EdgeNetworkPolicy(RealtimeCluster cluster)
    {
        var policy = cluster.Spec.NetworkPolicy;
        List<V1NetworkPolicyPeer>? from = null;
        if (policy.EdgeIngressNamespaceLabels.Count > 0)
        {
            from =
            [
                new V1NetworkPolicyPeer { NamespaceSelector = new V1LabelSelector { MatchLabels = policy.EdgeIngressNamespaceLabels } },
                // The chart's `helm test` pod connects to the edges too.
                new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = SelftestLabels(cluster) } },
            ];
        }

        return NetworkPolicy(cluster, Names.Edge,
        [
            new V1NetworkPolicyIngressRule { FromProperty = from, Ports = [TcpPort(EdgePort)] },
            new V1NetworkPolicyIngressRule { Ports = [TcpPort(MetricsPort)] }, // Prometheus, wherever it runs
        ]);
    }

    private static V1NetworkPolicy DispatcherNetworkPolicy(RealtimeCluster cluster) =>
        NetworkPolicy(cluster, Names.Dispatcher, [new V1NetworkPolicyIngressRule { Ports = [TcpPort(DispatcherHttpPort), TcpPort(DispatcherGrpcPort)] }]);

    /// <summary>Labels of the chart's test pod (selftest), admitted by a narrowed edge policy.</summary>
    public static Dictionary<string, string> SelftestLabels(RealtimeCluster cluster) => new(StringComparer.Ordinal)
    {
        [Names.ClusterLabel] = cluster.Metadata.Name,
        ["realtime.dev/selftest"] = "true",
    };

    private static V1NetworkPolicy NetworkPolicy(RealtimeCluster cluster, string component, List<V1NetworkPolicyIngressRule> ingress)
    {
        var policy = cluster.Spec.NetworkPolicy;
        var redisPorts = new List<V1NetworkPolicyPort> { TcpPort(cluster.Spec.Redis.Port) };
        if (cluster.Spec.Redis.Mode is "Sentinel" or "Sharded")
        {
            redisPorts.Add(TcpPort(cluster.Spec.Redis.SentinelPort));
        }

        var redis = new V1NetworkPolicyEgressRule { Ports = redisPorts };
        if (policy.RedisCidr is { } cidr)
        {
            redis.To = [new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = cidr } }];
        }

        var dns = new V1NetworkPolicyEgressRule
        {
            To =
            [
                new V1NetworkPolicyPeer
                {
                    NamespaceSelector = new V1LabelSelector(),
                    PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal) { ["k8s-app"] = "kube-dns" } },
                },
            ],
            Ports = [new V1NetworkPolicyPort { Port = 53, Protocol = "UDP" }, new V1NetworkPolicyPort { Port = 53, Protocol = "TCP" }],
        };

        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = Names.Meta(cluster, Names.Of(cluster, component), component),
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = Names.Selector(cluster, component) },
                PolicyTypes = ["Ingress", "Egress"],
                Ingress = ingress,
                // DNS and Redis only: neither component talks to the API server.
                Egress = [dns, redis],
            },
        };
    }

    private static V1NetworkPolicyPort TcpPort(int port) => new() { Port = port, Protocol = "TCP" };

    private static V1Ingress Ingress(RealtimeCluster cluster)
    {
        var exposure = cluster.Spec.Exposure;
        var timeout = exposure.WebSocketTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        var meta = Names.Meta(cluster, Names.Of(cluster, Names.Edge), Names.Edge);
        meta.Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["nginx.ingress.kubernetes.io/proxy-read-timeout"] = timeout,
            ["nginx.ingress.kubernetes.io/proxy-send-timeout"] = timeout,
        };
        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = meta,
            Spec = new V1IngressSpec
            {
                IngressClassName = exposure.IngressClassName,
                Tls = exposure.TlsSecretName is { } tls ? [new V1IngressTLS { Hosts = exposure.Host is null ? null : [exposure.Host], SecretName = tls }] : null,
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = exposure.Host,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths =
                            [
                                new V1HTTPIngressPath
                                {
                                    Path = "/",
                                    PathType = "Prefix",
                                    Backend = new V1IngressBackend
                                    {
                                        Service = new V1IngressServiceBackend { Name = Names.Of(cluster, Names.Edge), Port = new V1ServiceBackendPort { Name = "http" } },
                                    },
                                },
                            ],
                        },
                    },
                ],
            },
        };
    }

    private static UnstructuredObject HttpRoute(RealtimeCluster cluster)
    {
        var exposure = cluster.Spec.Exposure;
        var parent = new JsonObject { ["name"] = exposure.GatewayName };
        if (exposure.GatewayNamespace is { } ns)
        {
            parent["namespace"] = ns;
        }

        var spec = new JsonObject
        {
            ["parentRefs"] = new JsonArray { parent },
            ["rules"] = new JsonArray
            {
                new JsonObject
                {
                    ["backendRefs"] = new JsonArray { new JsonObject { ["name"] = Names.Of(cluster, Names.Edge), ["port"] = 80 } },
                    // A WebSocket is one long request: the route's timeout bounds its life.
                    ["timeouts"] = new JsonObject { ["request"] = $"{exposure.WebSocketTimeoutSeconds}s" },
                },
            },
        };
        if (exposure.Host is { } host)
        {
            spec["hostnames"] = new JsonArray { host };
        }

        return new UnstructuredObject
        {
            ApiVersion = "gateway.networking.k8s.io/v1",
            Kind = "HTTPRoute",
            Plural = "httproutes",
            Metadata = Names.Meta(cluster, Names.Of(cluster, Names.Edge), Names.Edge),
            Spec = spec,
        };
    }

    private static UnstructuredObject ServiceMonitor(RealtimeCluster cluster) => new()
    {
        ApiVersion = "monitoring.coreos.com/v1",
        Kind = "ServiceMonitor",
        Plural = "servicemonitors",
        Metadata = Names.Meta(cluster, cluster.Metadata.Name, "metrics"),
        Spec = new JsonObject
        {
            ["selector"] = new JsonObject
            {
                ["matchLabels"] = new JsonObject { [Names.ClusterLabel] = cluster.Metadata.Name, ["app.kubernetes.io/managed-by"] = Names.ManagedBy },
            },
            ["endpoints"] = new JsonArray
            {
                new JsonObject { ["port"] = "metrics", ["path"] = "/metrics", ["interval"] = cluster.Spec.Metrics.Interval },
            },
        },
    };
}
