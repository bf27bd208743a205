using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.Cli;

/// <summary>Mints HS256 connection tokens with the edge's shared secret (<c>Realtime__Auth__HmacSecret</c>).</summary>
public static class TokenMinter
{
    public const string SecretVariable = "Realtime__Auth__HmacSecret";
    public const string IssuerVariable = "Realtime__Auth__Issuer";
    public const string AudienceVariable = "Realtime__Auth__Audience";

    public static string Mint(Func<string, string?> environment, string user, IReadOnlyList<string>? rooms, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var secret = environment(SecretVariable);
        if (string.IsNullOrEmpty(secret))
        {
            throw new CliUsageException($"set {SecretVariable} to the edge's HS256 secret to mint tokens");
        }

        var key = Encoding.UTF8.GetBytes(secret);
        if (key.Length < 32)
        {
            throw new CliUsageException($"{SecretVariable} must be at least 32 bytes for HS256");
        }

        var claims = new Dictionary<string, object> { ["sub"] = user };
        if (rooms is { Count: > 0 })
        {
            claims["rooms"] = rooms.ToArray();
        }

        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now,
            NotBefore = now.AddSeconds(-30),
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        };
        if (environment(IssuerVariable) is { Length: > 0 } issuer)
        {
            descriptor.Issuer = issuer;
        }

        if (environment(AudienceVariable) is { Length: > 0 } audience)
        {
            descriptor.Audience = audience;
        }

        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public static IReadOnlyList<string>? ParseRooms(string? rooms) =>
        rooms?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string NewUser(string prefix) =>
        prefix + "-" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
}
