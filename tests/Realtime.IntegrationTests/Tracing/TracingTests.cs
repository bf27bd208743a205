using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Realtime.Core.Telemetry;
using Realtime.Hosting;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Tracing;

/// <summary>OpenTelemetry tracing: one trace per publish, from the API call through Redis to every edge.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task Publish_IsOneTrace_FromTheDispatcherThroughRedisToTheDeliveryOnEachEdge()
    {
        var exported = new List<Activity>();
        using var tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(RealtimeActivities.SourceName)
            .SetSampler(new AlwaysOnSampler()) // the test's gRPC client sends an unsampled traceparent, which the default (parent-based) sampler would follow
            .AddInMemoryExporter(exported)
            .Build();
        await using var cluster = await Cluster.StartAsync(edges: 2);
        var room = "traced" + Guid.NewGuid().ToString("N")[..8];
        var channel = "room:" + room;
        await using var onA = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("t1", [room]));
        await using var onB = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("t2", [room]));
        Assert.True((bool?)(await onA.SubscribeAsync(channel))["ok"]);
        Assert.True((bool?)(await onB.SubscribeAsync(channel))["ok"]);

        var published = await cluster.PublishToRoomAsync(room, """{"n":1}""");
        await onA.NextMessageAsync(channel);
        await onB.NextMessageAsync(channel);

        Activity[] Spans(string operation)
        {
            lock (exported)
            {
                return [.. exported.Where(a => (string?)a.GetTagItem(RealtimeActivities.Tags.Destination) == channel
                    && (string?)a.GetTagItem(RealtimeActivities.Tags.Operation) == operation)];
            }
        }

        await Eventually.TrueAsync(() => Spans("process").Length == 2, because: "one deliver span per edge");
        var create = Assert.Single(Spans("create"));
        var send = Assert.Single(Spans("send"));
        Assert.Equal(ActivityKind.Producer, create.Kind);
        Assert.Equal(published.MessageId, (string?)create.GetTagItem(RealtimeActivities.Tags.MessageId));
        Assert.Equal(published.Offset, (ulong?)send.GetTagItem(RealtimeActivities.Tags.Offset));
        foreach (var deliver in Spans("process"))
        {
            Assert.Equal(ActivityKind.Consumer, deliver.Kind);
            Assert.Equal(create.TraceId, deliver.TraceId);
            Assert.Equal(create.SpanId, deliver.ParentSpanId);
            Assert.Equal(1, (int?)deliver.GetTagItem(RealtimeActivities.Tags.Recipients));
            Assert.Equal(published.MessageId, (string?)deliver.GetTagItem(RealtimeActivities.Tags.MessageId));
        }
    }

    [Fact]
    public async Task Tracing_IsOffByDefault_AndOnWhenOtelSettingsAskForIt()
    {
        await using var plain = await Cluster.StartAsync(edges: 1, dispatchers: 1);
        Assert.Null(plain.Edges[0].Services.GetService<TracerProvider>());
        Assert.Null(plain.Dispatchers[0].Services.GetService<TracerProvider>());

        await using var tracedCluster = await Cluster.StartAsync(edges: 1, dispatchers: 0, settings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1",
        });
        var traced = tracedCluster.Edges[0];
        Assert.NotNull(traced.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData(null, null, null, false, false)]
    [InlineData(null, "http://collector:4317", null, true, false)]
    [InlineData("console", null, null, false, true)]
    [InlineData("otlp, console", null, null, true, true)]
    [InlineData("none", "http://collector:4317", null, false, false)]
    [InlineData(null, "http://collector:4317", "true", false, false)]
    public void OtelSettings_ChooseTheExporters(string? exporter, string? endpoint, string? disabled, bool otlp, bool console)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_TRACES_EXPORTER"] = exporter,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_SDK_DISABLED"] = disabled,
        }).Build();

        Assert.Equal(new RealtimeTracing.Exporters(otlp, console), RealtimeTracing.Requested(configuration));
    }
}
