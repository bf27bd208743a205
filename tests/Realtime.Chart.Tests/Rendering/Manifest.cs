using k8s.Models;

namespace Realtime.Chart.Tests.Rendering;

/// <summary>Small lookups over typed manifests that several test classes share.</summary>
public static class Manifest
{
    public static V1EnvVar Env(V1Container container, string name) =>
        Assert.Single(container.Env, e => e.Name == name);

    /// <summary>A Secret's value as text (the loader has already base64-decoded data).</summary>
    public static string SecretValue(V1Secret secret, string key) =>
        System.Text.Encoding.UTF8.GetString(secret.Data[key]);

    public static bool HasEnv(V1Container container, string name) =>
        container.Env?.Any(e => e.Name == name) ?? false;

    /// <summary>True when every selector label is on the pod (the selector selects the pod).</summary>
    public static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string> podLabels) =>
        selector is { Count: > 0 } && selector.All(kv => podLabels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public static IEnumerable<V1PodSpec> AllPodSpecs(RenderedChart chart) =>
        chart.All<V1Deployment>().Select(d => d.Spec.Template.Spec)
            .Concat(chart.All<V1Pod>().Select(p => p.Spec));
}
