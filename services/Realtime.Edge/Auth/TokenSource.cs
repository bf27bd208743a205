using Microsoft.Extensions.Primitives;

namespace Realtime.Edge.Auth;

/// <summary>
/// Where a connection's token comes from, in order: <c>Authorization: Bearer …</c>, a
/// <c>Sec-WebSocket-Protocol</c> entry <c>bearer.&lt;jwt&gt;</c>, or <c>?token=</c> (browsers).
/// </summary>
internal static class TokenSource
{
    public const string ProtocolPrefix = "bearer.";

    public static string? Find(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        foreach (var protocol in SplitProtocols(request.Headers.SecWebSocketProtocol))
        {
            if (protocol.StartsWith(ProtocolPrefix, StringComparison.Ordinal))
            {
                return protocol[ProtocolPrefix.Length..];
            }
        }

        var query = request.Query["token"];
        return StringValues.IsNullOrEmpty(query) ? null : query.ToString();
    }

    public static IEnumerable<string> SplitProtocols(StringValues header)
    {
        foreach (var value in header)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return part;
            }
        }
    }
}
