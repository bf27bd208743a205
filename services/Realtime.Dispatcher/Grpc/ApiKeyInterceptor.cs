using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using Realtime.Dispatcher.Hosting;

namespace Realtime.Dispatcher.Grpc;

/// <summary>
/// When API keys are configured, every Dispatcher call (gRPC or JSON-transcoded) must carry one
/// as <c>x-api-key</c> metadata (or <c>Authorization: Bearer &lt;key&gt;</c>); otherwise UNAUTHENTICATED.
/// Health and reflection are not guarded.
/// </summary>
public sealed class ApiKeyInterceptor(IOptions<DispatcherOptions> options) : Interceptor
{
    private readonly byte[][] _keys = [.. options.Value.ApiKeyList.Select(Encoding.UTF8.GetBytes)];

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (_keys.Length > 0 && context.Method.StartsWith("/realtime.v1.Dispatcher/", StringComparison.Ordinal) && !IsAuthorized(context))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "a valid API key is required in the x-api-key metadata"));
        }

        return continuation(request, context);
    }

    private bool IsAuthorized(ServerCallContext context)
    {
        var presented = context.RequestHeaders.GetValue("x-api-key");
        if (presented is null)
        {
            var authorization = context.RequestHeaders.GetValue("authorization");
            if (authorization?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true)
            {
                presented = authorization["Bearer ".Length..].Trim();
            }
        }

        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(presented);
        var match = false;
        foreach (var key in _keys)
        {
            match |= key.Length == bytes.Length && CryptographicOperations.FixedTimeEquals(key, bytes);
        }

        return match;
    }
}
