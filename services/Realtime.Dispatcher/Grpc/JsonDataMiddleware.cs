using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace Realtime.Dispatcher.Grpc;

/// <summary>
/// Over HTTP/JSON, <c>data</c> may be any JSON value (<c>"data":{"text":"hi"}</c>), not only the JSON
/// text as a string that the protobuf field (<c>string data</c>) holds. Before transcoding reads the
/// body of <c>/v1/publish</c> or <c>/v1/publish-batch</c>, a non-string <c>data</c> is replaced by
/// its JSON text, so both spellings publish the same message. A string <c>data</c> is taken as JSON
/// text, as over gRPC (a JSON string value is <c>"data":"\"hi\""</c>). Runs after the API key check,
/// and the body is bounded by Kestrel's request body limit.
/// </summary>
internal sealed class JsonDataMiddleware(RequestDelegate next)
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>()?.MethodDescriptor;
        if (method is null || method.Service.FullName != "realtime.v1.Dispatcher" || (method.Name != "Publish" && method.Name != "PublishBatch"))
        {
            await next(context);
            return;
        }

        var body = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A chunked body that outgrew Realtime:Dispatcher:MaxRequestBodyBytes while being read.
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            context.Response.ContentType = "application/json";
            context.Response.Headers.Connection = "close";
            await context.Response.WriteAsync("{\"code\":8,\"message\":\"the request body is over the limit (Realtime:Dispatcher:MaxRequestBodyBytes)\",\"details\":[]}");
            return;
        }

        var rewritten = Rewrite(body.GetBuffer().AsMemory(0, (int)body.Length), method.Name == "PublishBatch");
        if (rewritten is not null)
        {
            body = new MemoryStream(rewritten);
        }

        body.Position = 0;
        context.Request.Body = body;
        context.Request.ContentLength = body.Length;
        await next(context);
    }

    /// <summary>The body with every non-string <c>data</c> replaced by its JSON text; null when nothing changes (or the body is not JSON).</summary>
    private static byte[]? Rewrite(ReadOnlyMemory<byte> body, bool batch)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body.Span, NodeOptions, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException)
        {
            return null; // transcoding answers with its own error
        }

        var changed = false;
        if (batch)
        {
            if (root is JsonObject { } request && request["messages"] is JsonArray messages)
            {
                foreach (var message in messages)
                {
                    changed |= RewriteData(message as JsonObject);
                }
            }
        }
        else
        {
            changed = RewriteData(root as JsonObject);
        }

        return changed ? JsonSerializer.SerializeToUtf8Bytes(root) : null;
    }

    private static bool RewriteData(JsonObject? message)
    {
        if (message is null || !message.TryGetPropertyValue("data", out var data) || data is null)
        {
            return false;
        }

        if (data.GetValueKind() == JsonValueKind.String)
        {
            return false;
        }

        message["data"] = data.ToJsonString();
        return true;
    }
}
