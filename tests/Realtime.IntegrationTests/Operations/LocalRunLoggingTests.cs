using System.Text.RegularExpressions;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Operations;

/// <summary>
/// Issue 8.16: a service started the way <c>make run</c> starts it (the built dll, working directory =
/// repository root) reads its own appsettings.json (log format) and never logs a connection's
/// <c>?token=</c> JWT, whatever the logging settings ask for.
/// </summary>
public sealed partial class LocalRunLoggingTests
{
    [Theory]
    [InlineData("defaults")]
    [InlineData("aspnetcore-debug")]
    public async Task Edge_StartedFromRepoRoot_ConnectWithQueryToken_NoLogLineCarriesTheToken(string logging)
    {
        var redis = await RedisServer.GetAsync();
        var port = RedisServer.FreePort();
        var env = new Dictionary<string, string>
        {
            ["REDIS_URL"] = redis.Url,
            ["SERVER_ID"] = "edge-local-run",
            ["Realtime__Redis__Prefix"] = "t" + Guid.NewGuid().ToString("N")[..8],
            ["Realtime__Auth__HmacSecret"] = TestTokens.Secret,
            ["Realtime__Edge__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Realtime__Edge__BindAddress"] = "127.0.0.1",
            ["Realtime__Edge__DevMode"] = "true",
            ["Realtime__Edge__DrainSeconds"] = "1",
        };
        if (logging == "aspnetcore-debug")
        {
            // An operator turning ASP.NET Core's logging up to find a problem.
            env["Logging__LogLevel__Default"] = "Debug";
            env["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug";
            env["Logging__Console__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace";
        }

        var token = TestTokens.For("alice");
        await using var edge = ServiceProcess.Start("Realtime.Edge", env);
        await edge.WaitReadyAsync(new Uri($"http://127.0.0.1:{port}/healthz/ready"));
        await using (var client = await TestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws?token={token}"), token: null))
        {
            Assert.Equal("alice", (string?)client.Welcome["user"]);
        }

        await edge.StopAsync();
        var lines = edge.Lines.ToList();
        var signature = token[(token.LastIndexOf('.') + 1)..];
        Assert.DoesNotContain(lines, l => l.Contains(signature, StringComparison.Ordinal) || l.Contains("token=", StringComparison.OrdinalIgnoreCase));

        // appsettings.json was read: single-line console logs with a UTC timestamp; the content root is the app's directory.
        Assert.Contains(lines, l => TimestampedLine().IsMatch(l));
        var appDirectory = Path.GetDirectoryName(ServiceProcess.BuiltDll("Realtime.Edge"))!;
        Assert.Contains(lines, l => l.Contains("Content root path: " + appDirectory, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info|warn|fail|dbug|trce|crit): ")]
    private static partial Regex TimestampedLine();
}
