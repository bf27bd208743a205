using k8s;
using k8s.Models;

namespace Realtime.Chart.Tests.Crds;

/// <summary>The part of Gateway API's gateway.networking.k8s.io/v1 HTTPRoute the chart renders.</summary>
public sealed class HttpRoute : IKubernetesObject<V1ObjectMeta>
{
    public const string TypeKey = "gateway.networking.k8s.io/v1/HTTPRoute";

    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public HttpRouteSpec Spec { get; set; } = new();
}

public sealed class HttpRouteSpec
{
    public List<ParentReference> ParentRefs { get; set; } = [];
    public List<string> Hostnames { get; set; } = [];
    public List<HttpRouteRule> Rules { get; set; } = [];
}

public sealed class ParentReference
{
    public string? Group { get; set; }
    public string? Kind { get; set; }
    public string Name { get; set; } = "";
    public string? Namespace { get; set; }
    public string? SectionName { get; set; }
    public int? Port { get; set; }
}

public sealed class HttpRouteRule
{
    public List<HttpRouteMatch> Matches { get; set; } = [];
    public List<HttpBackendRef> BackendRefs { get; set; } = [];
    public HttpRouteTimeouts? Timeouts { get; set; }
}

public sealed class HttpRouteMatch
{
    public HttpPathMatch? Path { get; set; }
}

public sealed class HttpPathMatch
{
    public string Type { get; set; } = "";
    public string Value { get; set; } = "";
}

public sealed class HttpBackendRef
{
    public string? Group { get; set; }
    public string? Kind { get; set; }
    public string Name { get; set; } = "";
    public string? Namespace { get; set; }
    public int? Port { get; set; }
    public int? Weight { get; set; }
}

public sealed class HttpRouteTimeouts
{
    public string? Request { get; set; }
    public string? BackendRequest { get; set; }
}
