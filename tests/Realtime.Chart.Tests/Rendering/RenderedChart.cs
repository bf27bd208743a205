using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Realtime.Chart.Tests.Crds;

namespace Realtime.Chart.Tests.Rendering;

/// <summary>One render of the chart: every document loaded strictly into a typed model.</summary>
public sealed partial class RenderedChart
{
    private static readonly Dictionary<string, Type> CrdTypes = new()
    {
        [ScaledObject.TypeKey] = typeof(ScaledObject),
        [ServiceMonitor.TypeKey] = typeof(ServiceMonitor),
        [HttpRoute.TypeKey] = typeof(HttpRoute),
        [PrometheusRule.TypeKey] = typeof(PrometheusRule),
        // The operator's own type: the chart's default cluster must load into exactly what the operator reads.
        [$"{Realtime.Operator.Resources.RealtimeCluster.GroupVersion}/{Realtime.Operator.Resources.RealtimeCluster.ResourceKind}"] = typeof(Realtime.Operator.Resources.RealtimeCluster),
    };

    private RenderedChart(string yaml, IReadOnlyList<object> objects, IReadOnlyList<string> sources)
    {
        Yaml = yaml;
        Objects = objects;
        Sources = sources;
    }

    /// <summary>The manifest stream as rendered.</summary>
    public string Yaml { get; }

    /// <summary>Typed objects, in render order.</summary>
    public IReadOnlyList<object> Objects { get; }

    /// <summary>The template each object came from ("realtime/templates/x.yaml"), parallel to <see cref="Objects"/>.</summary>
    public IReadOnlyList<string> Sources { get; }

    public static RenderedChart Load(string yaml)
    {
        List<object> objects;
        try
        {
            // strict: an unknown or misspelt field anywhere is an error, as kubectl --validate=strict would report.
            objects = KubernetesYaml.LoadAllFromString(yaml, CrdTypes, strict: true);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"rendered manifests do not load into the typed models: {ex.Message}\n{ex.InnerException?.Message}\n---\n{yaml}", ex);
        }

        var sources = SourceComment().Matches(yaml).Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.Equal(objects.Count, sources.Count);
        return new RenderedChart(yaml, objects, sources);
    }

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T One<T>() => Assert.Single(All<T>());

    public T One<T>(string name)
        where T : IKubernetesObject<V1ObjectMeta> =>
        Assert.Single(All<T>(), o => o.Metadata.Name == name);

    public string SourceOf(object obj)
    {
        for (var i = 0; i < Objects.Count; i++)
        {
            if (ReferenceEquals(Objects[i], obj))
            {
                return Sources[i];
            }
        }

        throw new ArgumentException("object is not part of this render", nameof(obj));
    }

    public static string EdgeName => $"{ChartRenderer.ReleaseName}-realtime-edge";
    public static string DispatcherName => $"{ChartRenderer.ReleaseName}-realtime-dispatcher";
    public static string SecretName => $"{ChartRenderer.ReleaseName}-realtime";

    public V1Deployment EdgeDeployment => One<V1Deployment>(EdgeName);
    public V1Deployment DispatcherDeployment => One<V1Deployment>(DispatcherName);
    public V1Container EdgeContainer => Assert.Single(EdgeDeployment.Spec.Template.Spec.Containers);
    public V1Container DispatcherContainer => Assert.Single(DispatcherDeployment.Spec.Template.Spec.Containers);

    [GeneratedRegex(@"^# Source: (.+)$", RegexOptions.Multiline)]
    private static partial Regex SourceComment();
}
