namespace Realtime.Operator.Resources;

/// <summary>Client token validation at the edges (HS256 secret or RS256/ES256 public key).</summary>
internal sealed class AuthSpec
{
    public SecretKeyRef? HmacSecret { get; set; }

    public SecretKeyRef? PublicKeySecret { get; set; }

    public string? Issuer { get; set; }

    public string? Audience { get; set; }
}
