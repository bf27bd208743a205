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
internal sealed class TokenValidator
{
    private const int MaxTokenLength = 8192;
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public TokenValidator(IOptions<AuthOptions> options)
    {
        var o = options.Value;
        ClockSkew = TimeSpan.FromSeconds(o.ClockSkewSeconds);
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

    /// <summary>
    /// The one clock-skew rule: a token is accepted until <c>exp</c> + skew, and a connection or
    /// subscription it opened lasts exactly as long.
    /// </summary>
    public TimeSpan ClockSkew { get; }

    public async Task<TokenResult> ValidateConnectionTokenAsync(string? token)
    {
        var (claims, failure, jwt) = await ValidateAsync(token);
        if (claims is null)
        {
            return TokenResult.Fail(failure!.Value);
        }

        var sub = claims.FindFirst("sub")?.Value;
        if (!ChannelName.IsValidId(sub) || claims.HasClaim(c => c.Type == "channel") || ExpiresAt(claims) is not { } expiresAt)
        {
            // A subscribe token (it names a channel) is not a connection token.
            return TokenResult.Fail(TokenFailure.Invalid);
        }

        return TokenResult.Ok(new ClientIdentity(sub!, ReadRooms(jwt!), expiresAt));
    }

    /// <summary>
    /// A subscribe token authorizes one channel for one user: claims <c>sub</c> and <c>channel</c>.
    /// Returns when the subscription it opens ends (its <c>exp</c> + skew), or null when it is not valid.
    /// </summary>
    public async Task<DateTimeOffset?> ValidateSubscribeTokenAsync(string? token, string userId, string channel)
    {
        var (claims, _, _) = await ValidateAsync(token);
        return claims is not null && claims.FindFirst("sub")?.Value == userId && claims.FindFirst("channel")?.Value == channel
            ? ExpiresAt(claims)
            : null;
    }

    private DateTimeOffset? ExpiresAt(ClaimsIdentity claims)
    {
        // exp is required by validation; beyond year 9999 it cannot be represented and is refused.
        if (!long.TryParse(claims.FindFirst("exp")?.Value, out var seconds) || seconds < 0 || seconds > MaxUnixSeconds - (long)ClockSkew.TotalSeconds)
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds) + ClockSkew;
    }

    private async Task<(ClaimsIdentity? Claims, TokenFailure? Failure, JsonWebToken? Token)> ValidateAsync(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (null, TokenFailure.Missing, null);
        }

        if (token.Length > MaxTokenLength)
        {
            return (null, TokenFailure.Invalid, null);
        }

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, _parameters);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            return (null, TokenFailure.Invalid, null);
        }

        if (result.IsValid)
        {
            return (result.ClaimsIdentity, null, result.SecurityToken as JsonWebToken);
        }

        return (null, result.Exception is SecurityTokenExpiredException ? TokenFailure.Expired : TokenFailure.Invalid, null);
    }

    /// <summary>
    /// <c>rooms</c>: a JSON array whose every element is one glob pattern (spaces included), or a
    /// string of space-separated patterns (the OAuth <c>scope</c> convention).
    /// </summary>
    private static List<string> ReadRooms(JsonWebToken token)
    {
        var rooms = new List<string>();
        if (!token.TryGetPayloadValue<object>("rooms", out var value) || value is null)
        {
            return rooms;
        }

        var claim = value as JsonElement? ?? JsonSerializer.SerializeToElement(value);

        switch (claim.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var element in claim.EnumerateArray())
                {
                    if (element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } pattern)
                    {
                        rooms.Add(pattern);
                    }
                }

                break;
            case JsonValueKind.String:
                rooms.AddRange(claim.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                break;
        }

        return rooms;
    }
}
