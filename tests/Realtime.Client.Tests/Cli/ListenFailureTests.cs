using System.Globalization;
using Realtime.Cli;
using Realtime.TestKit;

namespace Realtime.Client.Tests.Cli;

/// <summary>
/// Issue 8.19: <c>listen</c> with a missing or wrong secret, or the wrong port, ends with a clear
/// message and a non-zero exit instead of retrying silently forever; once connected it keeps
/// retrying through drops.
/// </summary>
public sealed class ListenFailureTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Listen_WrongSecret_FirstAttempt4001_ExitsWith1NamingTheSecret()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0);
        var env = new Dictionary<string, string> { [TokenMinter.SecretVariable] = "a-different-secret-that-is-long-enough-for-hs256" };

        var (code, stdout, stderr) = await RunAsync(env, "listen", "--edge", cluster.Edges[0].WebSocketUrl.ToString(), "--user", "alice");

        Assert.True(code == 1, stderr);
        Assert.Contains("refused the token (4001", stderr, StringComparison.Ordinal);
        Assert.Contains(TokenMinter.SecretVariable, stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task Listen_WrongPort_ConnectionRefused_ExitsWith1SayingSo()
    {
        var env = new Dictionary<string, string> { [TokenMinter.SecretVariable] = TestTokens.Secret };

        var (code, _, stderr) = await RunAsync(env, "listen", "--edge", $"ws://127.0.0.1:{RedisServer.FreePort()}/ws", "--user", "alice");

        Assert.True(code == 1, stderr);
        Assert.Contains("connection refused", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_WrongPath_ExitsWith1NamingTheEndpoint()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0);
        var env = new Dictionary<string, string> { [TokenMinter.SecretVariable] = TestTokens.Secret };

        var (code, _, stderr) = await RunAsync(env, "listen", "--edge", $"ws://{cluster.Edges[0].HttpUrl.Authority}/socket", "--user", "alice");

        Assert.True(code == 1, stderr);
        Assert.Contains("404", stderr, StringComparison.Ordinal);
        Assert.Contains("/ws", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_HttpUrl_IsAUsageErrorNamingTheScheme()
    {
        var env = new Dictionary<string, string> { [TokenMinter.SecretVariable] = TestTokens.Secret };

        var (code, _, stderr) = await RunAsync(env, "listen", "--edge", "http://127.0.0.1:8080/ws", "--user", "alice");

        Assert.Equal(2, code);
        Assert.Contains("ws://", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_NoSecret_OneClearErrorNotAWarningPerAttempt()
    {
        var (code, _, stderr) = await RunAsync([], "listen", "--edge", "ws://127.0.0.1:1/ws", "--user", "alice");

        Assert.Equal(2, code);
        Assert.StartsWith($"error: set {TokenMinter.SecretVariable} to the edge's HS256 secret", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("[Warning]", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void StderrLogger_WarningWithException_SeparatesMessageAndCause()
    {
        using var error = new StringWriter();
        var logger = new StderrLogger(error, Microsoft.Extensions.Logging.LogLevel.Warning);
#pragma warning disable CA1848 // the test drives the logger exactly as library code calling LogWarning would
        Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, new InvalidOperationException("set X to the secret"), "The token provider failed");
#pragma warning restore CA1848
        Assert.Equal("[Warning] The token provider failed: set X to the secret", error.ToString().Trim());
    }

    [Fact]
    public async Task Listen_EdgeGoesAwayAfterConnecting_KeepsRetryingAndReceivesAfterItReturns()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: new Dictionary<string, string?> { ["Realtime:Dispatcher:Insecure"] = "true" });
        var port = RedisServer.FreePort();
        var settings = new Dictionary<string, string?>(cluster.Settings) { ["Realtime:Edge:Port"] = port.ToString(CultureInfo.InvariantCulture) };
        var edge = await ServiceHost.StartEdgeAsync("edge-first", settings);
        var env = new Dictionary<string, string> { [TokenMinter.SecretVariable] = TestTokens.Secret };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var output = TextWriter.Synchronized(stdout);
        var errors = TextWriter.Synchronized(stderr);
        var listen = Realtime.Cli.Cli.RunAsync(
            ["listen", "--edge", $"ws://127.0.0.1:{port}/ws", "--user", "bob", "--count", "1", "--verbose"],
            new CliContext(output, errors, name => env.GetValueOrDefault(name)),
            CancellationToken.None);

        await Eventually.TrueAsync(() => listen.IsCompleted || stderr.ToString().Contains("-> Connected", StringComparison.Ordinal), Generous, "listen never connected");
        Assert.False(listen.IsCompleted, stderr.ToString());

        // The edge goes away (drain, then nothing listens): later failures, refused ones included, are retried.
        await edge.DisposeAsync();
        await Eventually.TrueAsync(() => stderr.ToString().Contains("-> Reconnecting", StringComparison.Ordinal), Generous, "listen did not notice the drop");
        await using var again = await ServiceHost.StartEdgeAsync("edge-again", settings);
        await Eventually.TrueAsync(
            async () =>
            {
                Assert.False(listen.IsCompleted && listen.Result != 0, stderr.ToString());
                if (!listen.IsCompleted)
                {
                    await cluster.PublishToUserAsync("bob", """{"back":true}""", "test.event");
                }

                return listen.IsCompleted;
            },
            Generous,
            "listen did not receive after the edge came back");

        Assert.True(await listen == 0, stderr.ToString());
        Assert.Contains("\"back\":true", stdout.ToString(), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(Dictionary<string, string> env, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(Generous);
        var code = await Realtime.Cli.Cli.RunAsync(args, new CliContext(TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), name => env.GetValueOrDefault(name)), timeout.Token);
        Assert.False(timeout.IsCancellationRequested, "listen kept retrying instead of stopping:\n" + stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
