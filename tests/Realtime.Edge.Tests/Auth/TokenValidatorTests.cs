using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Realtime.Edge.Auth;
using Realtime.TestKit;

namespace Realtime.Edge.Tests.Auth;

public sealed class TokenValidatorTests
{
    private static TokenValidator Hs256() => new(Microsoft.Extensions.Options.Options.Create(new AuthOptions { HmacSecret = TestTokens.Secret }));

    [Fact]
    public async Task Hs256_ValidToken_YieldsUserAndRooms()
    {
        var result = await Hs256().ValidateConnectionTokenAsync(TestTokens.For("alice", ["lobby", "team-*"]));
        var identity = Assert.IsType<ClientIdentity>(result.Identity);
        Assert.Equal("alice", identity.UserId);
        Assert.True(identity.MayJoinRoom("team-red"));
        Assert.True(identity.MayJoinRoom("lobby"));
        Assert.False(identity.MayJoinRoom("admin"));
    }

    [Fact]
    public async Task Expired_IsReportedAsExpired()
    {
        var result = await Hs256().ValidateConnectionTokenAsync(TestTokens.For("a", lifetime: TimeSpan.FromMinutes(-10)));
        Assert.Equal(TokenFailure.Expired, result.Failure);
    }

    [Theory]
    [InlineData(null, nameof(TokenFailure.Missing))]
    [InlineData("", nameof(TokenFailure.Missing))]
    [InlineData("abc", nameof(TokenFailure.Invalid))]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIiwiZXhwIjo5OTk5OTk5OTk5fQ.", nameof(TokenFailure.Invalid))]
    public async Task Malformed_OrUnsigned_IsRefused(string? token, string failure)
    {
        Assert.Equal(Enum.Parse<TokenFailure>(failure), (await Hs256().ValidateConnectionTokenAsync(token)).Failure);
    }

    [Fact]
    public async Task TokenWithoutExp_IsRefused()
    {
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = "a" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(TestTokens.Secret)), SecurityAlgorithms.HmacSha256),
        });
        Assert.Equal(TokenFailure.Invalid, (await Hs256().ValidateConnectionTokenAsync(token)).Failure);
    }

    [Fact]
    public async Task SubWithForbiddenCharacters_IsRefused()
    {
        Assert.Equal(TokenFailure.Invalid, (await Hs256().ValidateConnectionTokenAsync(TestTokens.For("a}b"))).Failure);
    }

    [Fact]
    public async Task Rs256_PublicKey_ValidatesAndRejectsHs256ForgedWithThePublicKey()
    {
        using var rsa = RSA.Create(2048);
        var validator = new TokenValidator(Microsoft.Extensions.Options.Options.Create(new AuthOptions { PublicKeyPem = rsa.ExportSubjectPublicKeyInfoPem() }));
        var signed = TestTokens.Create("bob", null, null, new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256));
        Assert.Equal("bob", (await validator.ValidateConnectionTokenAsync(signed)).Identity?.UserId);

        // Algorithm confusion: an HS256 token keyed with the public key text must not pass.
        var forged = TestTokens.For("mallory", secret: rsa.ExportSubjectPublicKeyInfoPem());
        Assert.Equal(TokenFailure.Invalid, (await validator.ValidateConnectionTokenAsync(forged)).Failure);
    }

    [Fact]
    public async Task Es256_PublicKey_Validates()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var validator = new TokenValidator(Microsoft.Extensions.Options.Options.Create(new AuthOptions { PublicKeyPem = ec.ExportSubjectPublicKeyInfoPem() }));
        var signed = TestTokens.Create("carol", ["x"], null, new SigningCredentials(new ECDsaSecurityKey(ec), SecurityAlgorithms.EcdsaSha256));
        Assert.Equal("carol", (await validator.ValidateConnectionTokenAsync(signed)).Identity?.UserId);
    }

    [Fact]
    public void Options_RequireExactlyOneKey_AndLongSecret()
    {
        static int Errors(AuthOptions o) => o.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(o)).Count();
        Assert.Equal(1, Errors(new AuthOptions()));
        Assert.Equal(1, Errors(new AuthOptions { HmacSecret = "short" }));
        Assert.Equal(1, Errors(new AuthOptions { PublicKeyPem = "not a key" }));
        Assert.Equal(0, Errors(new AuthOptions { HmacSecret = TestTokens.Secret }));
    }

    [Fact]
    public async Task SubscribeToken_BindsUserAndChannel()
    {
        var validator = Hs256();
        var until = await validator.ValidateSubscribeTokenAsync(TestTokens.ForChannel("u1", "room:vip"), "u1", "room:vip");
        Assert.NotNull(until);
        Assert.InRange(until!.Value, DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(62)); // exp (1 h) + skew (30 s)
        Assert.Null(await validator.ValidateSubscribeTokenAsync(TestTokens.ForChannel("u1", "room:vip"), "u2", "room:vip"));
        Assert.Null(await validator.ValidateSubscribeTokenAsync(TestTokens.ForChannel("u1", "room:vip"), "u1", "room:other"));
    }

    [Fact]
    public async Task SubscribeToken_IsNotAConnectionToken()
    {
        var result = await Hs256().ValidateConnectionTokenAsync(TestTokens.ForChannel("u1", "room:vip"));
        Assert.Equal(TokenFailure.Invalid, result.Failure);
    }

    [Fact]
    public async Task RoomsArrayElements_AreWholePatterns_NotSplitOnSpaces()
    {
        var identity = (await Hs256().ValidateConnectionTokenAsync(TestTokens.For("u1", ["team-acme *"]))).Identity!;
        Assert.False(identity.MayJoinRoom("admin"));
        Assert.False(identity.MayJoinRoom("team-acme"));
        Assert.Equal(["team-acme *"], identity.RoomPatterns);

        // The space-separated string form (OAuth scope style) is still a list.
        var scoped = (await Hs256().ValidateConnectionTokenAsync(TestTokens.For("u2", extra: new Dictionary<string, object> { ["rooms"] = "lobby team-*" }))).Identity!;
        Assert.True(scoped.MayJoinRoom("team-red"));
        Assert.True(scoped.MayJoinRoom("lobby"));
    }

    [Theory]
    [InlineData(253402300800L)] // 10000-01-01
    [InlineData(99999999999999L)]
    public async Task ExpBeyondYear9999_IsAnInvalidToken_NotACrash(long exp)
    {
        var payload = $$"""{"sub":"u1","exp":{{exp}},"iat":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}""";
        var credentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(TestTokens.Secret)), SecurityAlgorithms.HmacSha256);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(payload, credentials);
        Assert.Equal(TokenFailure.Invalid, (await Hs256().ValidateConnectionTokenAsync(token)).Failure);
    }

    [Fact]
    public async Task OneClockSkewRule_ATokenWithinTheSkewLastsUntilExpPlusSkew()
    {
        var result = await Hs256().ValidateConnectionTokenAsync(TestTokens.For("u1", lifetime: TimeSpan.FromSeconds(-10)));
        var identity = Assert.IsType<ClientIdentity>(result.Identity);
        Assert.InRange(identity.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(15), DateTimeOffset.UtcNow.AddSeconds(25));
    }
}
