using k8s.Models;
using Realtime.Chart.Tests.Rendering;
using static Realtime.Chart.Tests.Rendering.Manifest;

namespace Realtime.Chart.Tests;

/// <summary>
/// Issue 8.15: each component gets only its own secrets (the JWT signing secret only the edge, API
/// keys only the dispatcher), secret changes roll only the component that reads them, and an open
/// publish API only when asked for by name.
/// </summary>
[Collection(ChartCollection.Name)]
public sealed class ComponentSecretsTests(ChartRenderer renderer)
{
    private const string JwtSecret = "jwt-secret-that-is-long-enough-for-hs256-0001";

    public static TheoryData<string> AuthSetups() => new()
    {
        "generated",
        "hmac",
        "existing-secrets.yaml",
        "public-key.yaml",
    };

    private RenderedChart Render(string setup) => setup switch
    {
        "generated" => renderer.RenderDefaults(),
        "hmac" => renderer.RenderDefaults("--set", $"auth.hmacSecret={JwtSecret}", "--set", "auth.issuer=https://issuer.example"),
        _ => renderer.RenderOverlay(setup),
    };

    [Theory]
    [MemberData(nameof(AuthSetups))]
    public void Render_AnyAuthSetup_DispatcherPodSpecHasNoJwtSecret(string setup)
    {
        var chart = Render(setup);
        var pod = chart.DispatcherDeployment.Spec.Template.Spec;
        var jwtSecretRefs = SecretRefs(chart.EdgeDeployment.Spec.Template.Spec)
            .Where(r => r.Key is "jwt-secret" or "hs256").ToList();
        Assert.Equal(setup != "public-key.yaml", jwtSecretRefs.Count == 1);

        foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
        {
            Assert.DoesNotContain(container.Env ?? [], e => e.Name.StartsWith("Realtime__Auth__", StringComparison.Ordinal));
            Assert.Null(container.EnvFrom);
        }

        Assert.DoesNotContain(SecretRefs(pod), r => jwtSecretRefs.Contains(r));
        Assert.DoesNotContain(pod.Volumes ?? [], v => v.Secret is not null || v.Projected is not null);
    }

    [Theory]
    [MemberData(nameof(AuthSetups))]
    public void Render_AnyAuthSetup_EdgePodSpecHasNoApiKeys(string setup)
    {
        var chart = Render(setup);
        var edge = chart.EdgeContainer;
        Assert.DoesNotContain(edge.Env, e => e.Name.StartsWith("Realtime__Dispatcher__", StringComparison.Ordinal));
        Assert.DoesNotContain(SecretRefs(chart.EdgeDeployment.Spec.Template.Spec), r => r.Key is "api-keys" or "keys");
        Assert.Contains(SecretRefs(chart.DispatcherDeployment.Spec.Template.Spec), r => r.Key is "api-keys" or "keys");
    }

    [Fact]
    public void Render_HmacSecret_OnlyTheEdgeGetsIt()
    {
        var chart = Render("hmac");
        var reference = Env(chart.EdgeContainer, "Realtime__Auth__HmacSecret").ValueFrom.SecretKeyRef;
        Assert.Equal((RenderedChart.SecretName, "jwt-secret"), (reference.Name, reference.Key));
        Assert.Equal("https://issuer.example", Env(chart.EdgeContainer, "Realtime__Auth__Issuer").Value);
        Assert.False(HasEnv(chart.DispatcherContainer, "Realtime__Auth__HmacSecret"));
        Assert.False(HasEnv(chart.DispatcherContainer, "Realtime__Auth__Issuer"));
    }

    [Fact]
    public void Render_JwtSecretChanged_RollsEdgesOnly()
    {
        var before = renderer.RenderDefaults("--set", $"auth.hmacSecret={JwtSecret}");
        var after = renderer.RenderDefaults("--set", $"auth.hmacSecret={JwtSecret}-rotated");
        Assert.NotEqual(Checksum(before.EdgeDeployment), Checksum(after.EdgeDeployment));
        Assert.Equal(Checksum(before.DispatcherDeployment), Checksum(after.DispatcherDeployment));
    }

    [Fact]
    public void Render_ApiKeysChanged_RollsDispatchersOnly()
    {
        var before = renderer.RenderDefaults("--set", "dispatcher.apiKeys={key-0000000000000001}");
        var after = renderer.RenderDefaults("--set", "dispatcher.apiKeys={key-0000000000000001,key-0000000000000002}");
        Assert.NotEqual(Checksum(before.DispatcherDeployment), Checksum(after.DispatcherDeployment));
        Assert.Equal(Checksum(before.EdgeDeployment), Checksum(after.EdgeDeployment));
    }

    [Fact]
    public void Render_RedisUrlChanged_RollsBoth()
    {
        var before = renderer.RenderOk("--set", "redis.url=redis://a:6379");
        var after = renderer.RenderOk("--set", "redis.url=redis://b:6379");
        Assert.NotEqual(Checksum(before.EdgeDeployment), Checksum(after.EdgeDeployment));
        Assert.NotEqual(Checksum(before.DispatcherDeployment), Checksum(after.DispatcherDeployment));
    }

    [Fact]
    public void Render_Defaults_DispatcherRequiresApiKeysAndIsNotInsecure()
    {
        var chart = renderer.RenderDefaults();
        var d = chart.DispatcherContainer;
        Assert.False(HasEnv(d, "Realtime__Dispatcher__Insecure"));
        Assert.Equal("api-keys", Env(d, "Realtime__Dispatcher__ApiKeys").ValueFrom.SecretKeyRef.Key);
        Assert.True(SecretValue(chart.One<V1Secret>(), "api-keys").Length >= 16);
    }

    [Fact]
    public void Render_InsecureExplicitly_OpenApiWithoutKeys()
    {
        var chart = renderer.RenderDefaults("--set", "dispatcher.insecure=true");
        var d = chart.DispatcherContainer;
        Assert.Equal("true", Env(d, "Realtime__Dispatcher__Insecure").Value);
        Assert.False(HasEnv(d, "Realtime__Dispatcher__ApiKeys"));
        Assert.DoesNotContain("api-keys", chart.One<V1Secret>().Data.Keys);

        // The helm test pod references no key that does not exist.
        var test = Assert.Single(chart.One<V1Pod>().Spec.Containers);
        Assert.False(HasEnv(test, "Realtime__Dispatcher__ApiKeys"));
    }

    [Fact]
    public void Notes_Insecure_WarnAndReadNoKey()
    {
        if (renderer.UsesHelm)
        {
            return; // `helm template` does not print NOTES.txt; helm install --dry-run shows it.
        }

        var result = renderer.Render("--set", $"redis.url={ChartRenderer.RedisUrl}", "--set", "dispatcher.insecure=true", "--show-notes");
        Assert.Equal(0, result.ExitCode);
        var notes = result.Stdout[result.Stdout.IndexOf("NOTES:", StringComparison.Ordinal)..];
        Assert.Contains("WARNING: dispatcher.insecure=true", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("api-keys", notes, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dispatcher.apiKeys={key-0000000000000001}")]
    [InlineData("dispatcher.existingSecret=platform-publishers")]
    public void Render_InsecureWithKeys_FailsNamingBoth(string keys)
    {
        var result = renderer.Render("--set", $"redis.url={ChartRenderer.RedisUrl}", "--set", "dispatcher.insecure=true", "--set", keys);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("dispatcher.insecure", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(keys[..keys.IndexOf('=', StringComparison.Ordinal)], result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_InsecureNotBoolean_SchemaRejects()
    {
        var result = renderer.Render("--set", $"redis.url={ChartRenderer.RedisUrl}", "--set-string", "dispatcher.insecure=yes");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("insecure", result.Stderr, StringComparison.Ordinal);
    }

    private static string Checksum(V1Deployment deployment) => deployment.Spec.Template.Metadata.Annotations["checksum/secret"];

    private static IEnumerable<(string Name, string Key)> SecretRefs(V1PodSpec pod) =>
        pod.Containers.Concat(pod.InitContainers ?? [])
            .SelectMany(c => c.Env ?? [])
            .Where(e => e.ValueFrom?.SecretKeyRef is not null)
            .Select(e => (e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key));
}
