using Realtime.TestKit;

namespace Realtime.IntegrationTests.Operations;

/// <summary>
/// Issue 8.17: <c>make publish</c> delivers any DATA as written, fails (non-zero) on HTTP errors and
/// when nothing listens, and targets the dispatcher <c>make run</c> actually started.
/// </summary>
public sealed class MakePublishTests
{
    private static readonly Dictionary<string, string?> Open = new() { ["Realtime:Dispatcher:Insecure"] = "true" };

    [Fact]
    public async Task Publish_DataWithApostropheQuotesAndDollar_ArrivesAsWritten()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: Open);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("alice", ["lobby"]));
        Assert.True((bool?)(await client.SubscribeAsync("room:lobby"))["ok"]);

        const string data = """{"text":"it's \"quoted\" $5 $(HOME) `x`"}""";
        var result = await ScriptRun.MakeAsync("publish", $"DISPATCHER_HTTP={cluster.Dispatchers[0].HttpUrl}", "ROOM=lobby", "EVENT=chat.message", "DATA=" + data);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await client.NextMessageAsync("room:lobby");
        Assert.Equal("it's \"quoted\" $5 $(HOME) `x`", (string?)message["data"]!["text"]);
        Assert.Equal("chat.message", (string?)message["event"]);
    }

    [Fact]
    public async Task Publish_DispatcherAnswersAnError_ExitsNonZeroShowingTheAnswer()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: Open);
        var result = await ScriptRun.MakeAsync("publish", $"DISPATCHER_HTTP={cluster.Dispatchers[0].HttpUrl}", "ROOM=lobby", "DATA={not json");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("400", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.Contains("make publish failed", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_WithApiKeys_FailsWithoutTheKeyAndPassesWithIt()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: new Dictionary<string, string?> { ["Realtime:Dispatcher:ApiKeys"] = "key-0123456789abcdef" });
        var url = $"DISPATCHER_HTTP={cluster.Dispatchers[0].HttpUrl}";

        var without = await ScriptRun.MakeAsync("publish", url, "BROADCAST=1");
        Assert.NotEqual(0, without.ExitCode);
        Assert.Contains("401", without.Stderr + without.Stdout, StringComparison.Ordinal);

        var with = await ScriptRun.MakeAsync("publish", url, "BROADCAST=1", "API_KEY=key-0123456789abcdef");
        Assert.True(with.ExitCode == 0, with.ToString());
    }

    [Fact]
    public async Task Publish_NothingListening_ExitsNonZeroSayingSo()
    {
        var result = await ScriptRun.MakeAsync("publish", $"DISPATCHER_HTTP=http://127.0.0.1:{RedisServer.FreePort()}", "ROOM=lobby");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("nothing listens", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_WhileMakeRunRuns_TargetsTheDispatcherItWroteDown()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: Open);
        var runDir = Directory.CreateTempSubdirectory("rt-run-");
        try
        {
            // What scripts/run-local.sh writes once its services are ready (single-process mode: one port for all).
            await File.WriteAllTextAsync(Path.Combine(runDir.FullName, "endpoints.mk"), $"DISPATCHER_HTTP ?= {cluster.Dispatchers[0].HttpUrl}\n");
            var result = await ScriptRun.MakeAsync("publish", $"RUN_DIR={runDir.FullName}", "ROOM=lobby");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("\"channel\":\"room:lobby\"", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            runDir.Delete(recursive: true);
        }
    }
}
