using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.TestKit;

/// <summary>Mints JWTs for tests with the shared test secret (or any key).</summary>
public static class TestTokens
{
    public const string Secret = "test-secret-that-is-long-enough-for-hs256!";

    public static string For(string user, string[]? rooms = null, TimeSpan? lifetime = null, string secret = Secret, IDictionary<string, object>? extra = null) =>
        Create(user, rooms, lifetime, new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256), extra);

    public static string Create(string user, string[]? rooms, TimeSpan? lifetime, SigningCredentials credentials, IDictionary<string, object>? extra = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = user };
        if (rooms is not null)
        {
            claims["rooms"] = rooms;
        }

        foreach (var (k, v) in extra ?? new Dictionary<string, object>())
        {
            claims[k] = v;
        }

        var now = DateTime.UtcNow;
        var life = lifetime ?? TimeSpan.FromHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            NotBefore = life < TimeSpan.Zero ? now + life - TimeSpan.FromHours(1) : now.AddMinutes(-1),
            IssuedAt = life < TimeSpan.Zero ? now + life - TimeSpan.FromHours(1) : now.AddMinutes(-1),
            Expires = now + life,
            SigningCredentials = credentials,
        });
    }

    /// <summary>A token for one channel (subscribe token).</summary>
    public static string ForChannel(string user, string channel) =>
        For(user, extra: new Dictionary<string, object> { ["channel"] = channel });
}
