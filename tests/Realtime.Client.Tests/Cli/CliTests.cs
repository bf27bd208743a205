using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Realtime.Cli;
using Realtime.TestKit;

namespace Realtime.Client.Tests.Cli;

public class CliTests
{
    [Fact]
    public async Task Token_SignsSubRoomsExp_WithTheConfiguredSecretIssuerAndAudience()
    {
        var env = new Dictionary<string, string>
        {
            ["Realtime__Auth__HmacSecret"] = TestTokens.Secret,
            ["Realtime__Auth__Issuer"] = "https://issuer.example",
            ["Realtime__Auth__Audience"] = "realtime",
        };
        var (code, stdout, _) = await RunAsync(env, "token", "--user", "alice", "--rooms", "lobby, team-*", "--ttl", "600");

        Assert.Equal(0, code);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(stdout.Trim(), new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.Secret)),
            ValidIssuer = "https://issuer.example",
            ValidAudience = "realtime",
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = new JsonWebToken(stdout.Trim());
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal("alice", jwt.Subject);
        Assert.Equal(["lobby", "team-*"], jwt.Claims.Where(c => c.Type == "rooms").Select(c => c.Value));
        Assert.InRange(jwt.ValidTo, DateTime.UtcNow.AddSeconds(500), DateTime.UtcNow.AddSeconds(700));
    }

    [Fact]
    public async Task Token_WithoutSecret_IsAUsageErrorNamingTheVariable()
    {
        var (code, _, stderr) = await RunAsync([], "token", "--user", "alice");
        Assert.Equal(2, code);
        Assert.Contains("Realtime__Auth__HmacSecret", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfTest_AgainstARealCluster_PassesOverHttpAndGrpc()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: new Dictionary<string, string?> { ["Realtime:Dispatcher:ApiKeys"] = "key-a,key-b" });
        var env = new Dictionary<string, string>
        {
            ["Realtime__Auth__HmacSecret"] = TestTokens.Secret,
            ["Realtime__Dispatcher__ApiKeys"] = "key-b, key-a",
        };

        var (code, stdout, stderr) = await RunAsync(
            env,
            "selftest",
            "--edge", cluster.Edges[0].WebSocketUrl.ToString(),
            "--dispatcher", cluster.Dispatchers[0].HttpUrl.ToString(),
            "--grpc", cluster.Dispatchers[0].GrpcUrl!.ToString());

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("selftest passed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfTest_WrongSecret_FailsWithExitCode1AndAClearMessage()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        var env = new Dictionary<string, string> { ["Realtime__Auth__HmacSecret"] = "a-different-secret-that-is-long-enough-for-hs256" };

        var (code, _, stderr) = await RunAsync(
            env,
            "selftest",
            "--edge", cluster.Edges[0].WebSocketUrl.ToString(),
            "--dispatcher", cluster.Dispatchers[0].HttpUrl.ToString(),
            "--timeout", "20");

        Assert.Equal(1, code);
        Assert.Contains("selftest FAILED", stderr, StringComparison.Ordinal);
        Assert.Contains("4001", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_ToRoom_ThroughGrpc_PrintsTheResult()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0);
        var (code, stdout, stderr) = await RunAsync(
            [],
            "publish", "--dispatcher", cluster.Dispatchers[0].GrpcUrl!.ToString(), "--room", "lobby", "--event", "chat.message", "--data", """{"text":"hi"}""");

        Assert.True(code == 0, stderr);
        Assert.Contains("\"channel\":\"room:lobby\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_WithCount_PrintsRoomMessagesAsJsonLinesAndExits()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        var env = new Dictionary<string, string> { ["Realtime__Auth__HmacSecret"] = TestTokens.Secret };
        var listen = RunAsync(env, "listen", "--edge", cluster.Edges[0].WebSocketUrl.ToString(), "--user", "alice", "--room", "lobby", "--count", "2");

        // The listener joins at some point: publish until it has printed two messages.
        await Eventually.TrueAsync(async () =>
        {
            await cluster.PublishToRoomAsync("lobby", """{"text":"hi"}""", "chat.message");
            return listen.IsCompleted;
        });

        var (code, stdout, stderr) = await listen;
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.StartsWith("""{"channel":"room:lobby","event":"chat.message","data":{"text":"hi"}""", line, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("publish", "--dispatcher", "http://127.0.0.1:1", "--room", "a", "--user", "b", "--event", "e")]
    [InlineData("token", "--user", "a", "--typo", "x")]
    [InlineData("nope")]
    public async Task BadCommandLine_ExitsWith2(params string[] args)
    {
        var (code, _, stderr) = await RunAsync(new Dictionary<string, string> { ["Realtime__Auth__HmacSecret"] = TestTokens.Secret }, args);
        Assert.Equal(2, code);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(Dictionary<string, string> env, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Realtime.Cli.Cli.RunAsync(args, new CliContext(stdout, stderr, name => env.GetValueOrDefault(name)), CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
