using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Realtime.Core.Channels;
using Realtime.Edge.Auth;

namespace Realtime.Edge.Hosting;

/// <summary>
/// Development-only helpers (<c>Realtime:Edge:DevMode=true</c>): the demo page and a token
/// endpoint, <c>GET /dev/token?user=alice&amp;rooms=lobby,team-*&amp;ttl=3600</c>.
/// </summary>
internal static partial class DevEndpoints
{
    public static void Map(WebApplication app, EdgeOptions options)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Realtime.Edge.DevMode");
        var time = app.Services.GetRequiredService<TimeProvider>();
        Log.Enabled(logger);
        if (!string.IsNullOrEmpty(options.DemoPath) && Directory.Exists(options.DemoPath))
        {
            var files = new PhysicalFileProvider(Path.GetFullPath(options.DemoPath));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        app.MapGet("/dev/token", (string? user, string? rooms, int? ttl, IOptions<AuthOptions> auth) =>
        {
            if (string.IsNullOrEmpty(auth.Value.HmacSecret))
            {
                return Results.Problem("the dev token endpoint needs Realtime:Auth:HmacSecret", statusCode: 501);
            }

            if (!ChannelName.IsValidId(user))
            {
                return Results.BadRequest(ChannelName.DescribeIdRule("user"));
            }

            var roomList = (rooms ?? "*").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Claims = new Dictionary<string, object> { ["sub"] = user!, ["rooms"] = roomList },
                Expires = time.GetUtcNow().UtcDateTime.AddSeconds(Math.Clamp(ttl ?? 3600, 10, 86400)),
                Issuer = auth.Value.Issuer,
                Audience = auth.Value.Audience,
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(auth.Value.HmacSecret)), SecurityAlgorithms.HmacSha256),
            });
            return Results.Text(token);
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Development mode is ON: /dev/token mints tokens for anyone. Never enable it in production.")]
        public static partial void Enabled(ILogger logger);
    }
}
