using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.Edge.Auth;

/// <summary>Builds the validation key and allowed algorithms from <see cref="AuthOptions"/>.</summary>
internal static class SigningKeys
{
    public static bool TryLoadPublicKey(string pem, out (SecurityKey Key, string Algorithm)? key, out string? error)
    {
        key = null;
        try
        {
            if (pem.Contains("BEGIN EC", StringComparison.Ordinal) || pem.Contains("EC PUBLIC", StringComparison.Ordinal) || TryEc(pem))
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                key = (new ECDsaSecurityKey(ec), SecurityAlgorithms.EcdsaSha256);
            }
            else
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                key = (new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256);
            }

            error = null;
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            error = "not a PEM RSA or EC public key (" + ex.Message + ")";
            return false;
        }
    }

    public static (SecurityKey Key, string Algorithm) From(AuthOptions options)
    {
        if (!string.IsNullOrEmpty(options.HmacSecret))
        {
            return (new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(options.HmacSecret)), SecurityAlgorithms.HmacSha256);
        }

        return TryLoadPublicKey(options.PublicKeyPem ?? string.Empty, out var key, out var error)
            ? key!.Value
            : throw new InvalidOperationException("Realtime:Auth:PublicKeyPem: " + error);
    }

    private static bool TryEc(string pem)
    {
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
