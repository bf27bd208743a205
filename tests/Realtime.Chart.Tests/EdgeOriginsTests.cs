using Realtime.Chart.Tests.Rendering;
using static Realtime.Chart.Tests.Rendering.Manifest;

namespace Realtime.Chart.Tests;

/// <summary>Issue 8.14: <c>edge.allowedOrigins</c> reaches the edge as <c>Realtime:Edge:AllowedOrigins</c> (a list).</summary>
[Collection(ChartCollection.Name)]
public sealed class EdgeOriginsTests(ChartRenderer renderer)
{
    [Fact]
    public void Render_Defaults_NoOriginListSoAnyOrigin()
    {
        var chart = renderer.RenderDefaults();
        Assert.DoesNotContain(chart.EdgeContainer.Env, e => e.Name.StartsWith("Realtime__Edge__AllowedOrigins", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_AllowedOrigins_OneIndexedVariablePerOriginOnTheEdgeOnly()
    {
        var chart = renderer.RenderDefaults("--set", "edge.allowedOrigins={https://app.example.com,https://admin.example.com:8443}");
        Assert.Equal("https://app.example.com", Env(chart.EdgeContainer, "Realtime__Edge__AllowedOrigins__0").Value);
        Assert.Equal("https://admin.example.com:8443", Env(chart.EdgeContainer, "Realtime__Edge__AllowedOrigins__1").Value);
        Assert.Equal(2, chart.EdgeContainer.Env.Count(e => e.Name.StartsWith("Realtime__Edge__AllowedOrigins__", StringComparison.Ordinal)));
        Assert.DoesNotContain(chart.DispatcherContainer.Env, e => e.Name.StartsWith("Realtime__Edge__AllowedOrigins", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("app.example.com")]
    [InlineData("https://app.example.com/path")]
    [InlineData("https://a.example.com,https://b.example.com")]
    public void Render_OriginNotSchemeHostPort_SchemaRejects(string origin)
    {
        var values = Path.Combine(Path.GetTempPath(), $"origins-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(values, $"edge:\n  allowedOrigins:\n    - \"{origin}\"\n");
        try
        {
            var result = renderer.Render("--set", $"redis.url={ChartRenderer.RedisUrl}", "-f", values);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("allowedOrigins", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(values);
        }
    }
}
