using System.ComponentModel.DataAnnotations;

namespace Realtime.Edge.Auth;

/// <summary>
/// JWT validation settings (section <c>Realtime:Auth</c>). Exactly one of
/// <see cref="HmacSecret"/> (HS256) or <see cref="PublicKeyPem"/> (RS256 / ES256) is required.
/// </summary>
internal sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Realtime:Auth";

    /// <summary>HS256 shared secret, at least 32 bytes.</summary>
    public string? HmacSecret { get; set; }

    /// <summary>PEM-encoded RSA or EC public key (RS256 / ES256).</summary>
    public string? PublicKeyPem { get; set; }

    /// <summary>Required <c>iss</c> when set.</summary>
    public string? Issuer { get; set; }

    /// <summary>Required <c>aud</c> when set.</summary>
    public string? Audience { get; set; }

    [Range(0, 600)]
    public int ClockSkewSeconds { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasSecret = !string.IsNullOrEmpty(HmacSecret);
        var hasKey = !string.IsNullOrEmpty(PublicKeyPem);
        if (hasSecret == hasKey)
        {
            yield return new ValidationResult("Set exactly one of Realtime:Auth:HmacSecret (HS256) or Realtime:Auth:PublicKeyPem (RS256/ES256).");
        }

        if (hasSecret && System.Text.Encoding.UTF8.GetByteCount(HmacSecret!) < 32)
        {
            yield return new ValidationResult("Realtime:Auth:HmacSecret must be at least 32 bytes for HS256.");
        }

        if (hasKey && !SigningKeys.TryLoadPublicKey(PublicKeyPem!, out _, out var error))
        {
            yield return new ValidationResult("Realtime:Auth:PublicKeyPem: " + error);
        }
    }
}
