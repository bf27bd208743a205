using System.Security.Cryptography;
using System.Text;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Realtime.Dispatcher.Hosting;

namespace Realtime.Dispatcher.Auth;

/// <summary>
/// Checks the API key of every call to a gRPC method (the Dispatcher API, its JSON-transcoded
/// HTTP routes and gRPC reflection; not gRPC health) from the request headers alone, before
/// anything reads the request body: an unauthenticated caller costs no body parsing and no
/// memory. Keys are compared in constant time. A gRPC caller gets UNAUTHENTICATED, an HTTP caller
/// 401 with the transcoding error shape (<c>{"code":16,"message":…}</c>) and, when it sent a
/// body, <c>Connection: close</c> so that the server does not drain it either.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<DispatcherOptions> options)
{
    public const string Message = "a valid API key is required in the x-api-key header (or Authorization: Bearer <key>)";

    private static readonly byte[] HttpBody = Encoding.UTF8.GetBytes("{\"code\":16,\"message\":\"" + Message.Replace("<", "\\u003c", StringComparison.Ordinal).Replace(">", "\\u003e", StringComparison.Ordinal) + "\",\"details\":[]}");

    private readonly byte[][] _keys = [.. options.Value.ApiKeyList.Select(Encoding.UTF8.GetBytes)];

    private readonly int _maxBody = options.Value.MaxRequestBodyBytes;

    public Task InvokeAsync(HttpContext context)
    {
        if (!IsGuarded(context))
        {
            return next(context);
        }

        if (_keys.Length > 0 && !IsAuthorized(context.Request))
        {
            return RejectAsync(context);
        }

        if (IsGrpc(context.Request))
        {
            // gRPC bounds each message (MaxReceiveMessageSize = the same setting, RESOURCE_EXHAUSTED
            // beyond); a stream's total is not bounded, so Kestrel's per-request limit is lifted.
            var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (limit is { IsReadOnly: false })
            {
                limit.MaxRequestBodySize = null;
            }
        }
        else if (context.Request.ContentLength > _maxBody)
        {
            // A declared HTTP/JSON body over the limit is refused before it is read (a chunked one
            // fails while it is read, at Kestrel's limit).
            return TooLargeAsync(context);
        }

        return next(context);
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private Task TooLargeAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        response.ContentType = "application/json";
        response.Headers.Connection = "close";
        var message = $"the request body is {context.Request.ContentLength} bytes; the limit is {_maxBody} (Realtime:Dispatcher:MaxRequestBodyBytes)";
        return response.WriteAsync("{\"code\":8,\"message\":\"" + message + "\",\"details\":[]}");
    }

    private static bool IsGuarded(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata is null)
        {
            return false;
        }

        var service = metadata.GetMetadata<GrpcMethodMetadata>()?.Method.ServiceName
            ?? metadata.GetMetadata<GrpcJsonTranscodingMetadata>()?.MethodDescriptor.Service.FullName;
        return service is not null && service != "grpc.health.v1.Health";
    }

    private bool IsAuthorized(HttpRequest request)
    {
        string? presented = request.Headers["x-api-key"];
        if (string.IsNullOrEmpty(presented))
        {
            string? authorization = request.Headers.Authorization;
            if (authorization?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true)
            {
                presented = authorization["Bearer ".Length..].Trim();
            }
        }

        if (string.IsNullOrEmpty(presented) || presented.Length > 1024)
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

    private static Task RejectAsync(HttpContext context)
    {
        var response = context.Response;
        if (IsGrpc(context.Request))
        {
            // Trailers-only gRPC response, as grpc-dotnet itself answers errors before a message.
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = "16";
            response.Headers["grpc-message"] = Uri.EscapeDataString(Message);
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.ContentType = "application/json";
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                response.Headers.Connection = "close";
            }
        }

        return response.Body.WriteAsync(HttpBody).AsTask();
    }
}
