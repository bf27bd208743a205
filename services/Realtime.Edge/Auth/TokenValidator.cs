using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Realtime.Core.Channels;

namespace Realtime.Edge.Auth;

/// <summary>
/// Validates connection tokens (JWT with <c>sub</c>, <c>exp</c> and an optional <c>rooms</c>
/// claim of glob patterns) and per-channel subscribe tokens (<c>sub</c> + <c>channel</c>).
/// </summary>
public sealed class TokenValidator
{
    private const int MaxTokenLength = 8192;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public TokenValidator(IOptions<AuthOptions> options)
    {
        var o = options.Value;
        var (key, algorithm) = SigningKeys.From(o);
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [algorithm],
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(o.ClockSkewSeconds),
            ValidateIssuer = !string.IsNullOrEmpty(o.Issuer),
            ValidIssuer = o.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(o.Audience),
            ValidAudience = o.Audience,
        };
    }

    public async Task<TokenResult> ValidateConnectionTokenAsync(string? token)
    {
        var (claims, failure) = await ValidateAsync(token);
        if (claims is null)
        {
            return TokenResult.Fail(failure!.Value);
        }

        var sub = claims.FindFirst("sub")?.Value;
        if (!ChannelName.IsValidId(sub))
        {
            return TokenResult.Fail(TokenFailure.Invalid);
        }

        var exp = claims.FindFirst("exp")?.Value;
        var expiresAt = long.TryParse(exp, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.MaxValue;
        return TokenResult.Ok(new ClientIdentity(sub!, ReadRooms(claims), expiresAt));
    }

    /// <summary>A subscribe token authorizes one channel for one user: claims <c>sub</c> and <c>channel</c>.</summary>
    public async Task<bool> ValidateSubscribeTokenAsync(string? token, string userId, string channel)
    {
        var (claims, _) = await ValidateAsync(token);
        return claims is not null && claims.FindFirst("sub")?.Value == userId && claims.FindFirst("channel")?.Value == channel;
    }

    private async Task<(ClaimsIdentity? Claims, TokenFailure? Failure)> ValidateAsync(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (null, TokenFailure.Missing);
        }

        if (token.Length > MaxTokenLength)
        {
            return (null, TokenFailure.Invalid);
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (result.IsValid)
        {
            return (result.ClaimsIdentity, null);
        }

        return (null, result.Exception is SecurityTokenExpiredException ? TokenFailure.Expired : TokenFailure.Invalid);
    }

    private static List<string> ReadRooms(ClaimsIdentity claims)
    {
        var rooms = new List<string>();
        foreach (var claim in claims.FindAll("rooms"))
        {
            var value = claim.Value;
            if (value.StartsWith('['))
            {
                try
                {
                    rooms.AddRange(JsonSerializer.Deserialize<string[]>(value) ?? []);
                }
                catch (JsonException)
                {
                    // A malformed claim grants nothing.
                }
            }
            else
            {
                rooms.AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }

        return rooms;
    }
}
