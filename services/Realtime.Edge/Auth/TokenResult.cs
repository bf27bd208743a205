namespace Realtime.Edge.Auth;

/// <summary>Outcome of validating a connection token.</summary>
internal readonly record struct TokenResult(ClientIdentity? Identity, TokenFailure? Failure)
{
    public static TokenResult Ok(ClientIdentity identity) => new(identity, null);

    public static TokenResult Fail(TokenFailure failure) => new(null, failure);
}
