using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Realtime.Operator.Tests.ApiServer;

/// <summary>
/// A test double of the Kubernetes API server: a Kestrel app on 127.0.0.1 speaking the REST subset
/// the operator uses. Namespaced resources under <c>/api/v1</c> and <c>/apis/{group}/{version}</c>:
/// get, list and watch (resourceVersion, label selectors, bookmarks, <c>410 Gone</c> for versions
/// older than the last <see cref="Compact"/>), create (409 if it exists), replace (409 on a stale
/// resourceVersion), server-side apply and JSON merge patch (409 on a stale resourceVersion), the
/// status subresource, delete (deferred by finalizers). It can be stopped and restarted on the same
/// port with its state kept, and told to refuse leases with 403.
/// </summary>
internal sealed class FakeApiServer : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly List<(long Version, string Collection, string Type, JsonObject Object)> _events = [];
    private readonly List<string> _requests = [];
    private long _version = 100;
    private long _compactedBefore;
    private WebApplication? _app;
    private CancellationTokenSource _stopping = new();

    public int Port { get; private set; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public bool ForbidLeases { get; set; }

    /// <summary>Answers this many upcoming merge patches of RealtimeClusters with 409 Conflict (as a concurrent writer would cause).</summary>
    public int ConflictNextClusterPatches { get; set; }

    /// <summary>Requests answered, by "METHOD path" (tests look for apply patches, status writes…).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeApiServer> StartAsync()
    {
        var server = new FakeApiServer();
        await server.StartAppAsync(0);
        return server;
    }

    /// <summary>Simulates the API server going away: listeners closed, open watches cut.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _stopping.CancelAsync();
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Brings it back on the same port with the same objects.</summary>
    public Task RestartAsync() => StartAppAsync(Port);

    /// <summary>Forgets history: watches from any version before now get 410 Gone (open ones are ended with it).</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _compactedBefore = ++_version;
            _events.Clear();
        }
    }

    public JsonObject? Get(string collection, string name)
    {
        lock (_lock)
        {
            return _objects.TryGetValue(collection + "/" + name, out var o) ? (JsonObject)o.DeepClone() : null;
        }
    }

    public IReadOnlyList<JsonObject> List(string collection)
    {
        lock (_lock)
        {
            return [.. _objects.Where(kv => kv.Key.StartsWith(collection + "/", StringComparison.Ordinal)).Select(kv => (JsonObject)kv.Value.DeepClone())];
        }
    }

    /// <summary>Creates or replaces an object directly (as a kubelet or controller would), emitting the watch event.</summary>
    public void Put(string collection, JsonObject obj)
    {
        lock (_lock)
        {
            var name = obj["metadata"]!["name"]!.GetValue<string>();
            var existing = _objects.GetValueOrDefault(collection + "/" + name);
            Store(collection, name, obj, existing is null ? "ADDED" : "MODIFIED", existing);
        }
    }

    /// <summary>Deletes an object directly (honouring finalizers).</summary>
    public bool Delete(string collection, string name)
    {
        lock (_lock)
        {
            return DeleteLocked(collection, name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task StartAppAsync(int port)
    {
        _stopping.Dispose();
        _stopping = new CancellationTokenSource();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.Run(async context =>
        {
            try
            {
                await HandleAsync(context);
            }
            catch (Exception ex) when (!context.Response.HasStarted)
            {
                await WriteStatusAsync(context, HttpStatusCode.InternalServerError, "InternalError", ex.ToString());
            }
        });
        await app.StartAsync();
        _app = app;
        Port = new Uri(app.Urls.First()).Port;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!.Trim('/').Split('/');
        // api/v1/namespaces/{ns}/{plural}[/{name}[/status]] or apis/{g}/{v}/namespaces/{ns}/{plural}[/{name}[/status]]
        var start = path[0] == "api" ? 2 : 3;
        if (path.Length < start + 3 || path[start] != "namespaces")
        {
            await WriteStatusAsync(context, HttpStatusCode.NotFound, "NotFound", "unsupported path");
            return;
        }

        var collection = string.Join('/', path[..start]) + "/" + path[start + 1] + "/" + path[start + 2];
        var name = path.Length > start + 3 ? path[start + 3] : null;
        var status = path.Length > start + 4 && path[start + 4] == "status";
        lock (_lock)
        {
            _requests.Add($"{context.Request.Method} {context.Request.Path}");
        }

        if (ForbidLeases && path[start + 2] == "leases")
        {
            await WriteStatusAsync(context, HttpStatusCode.Forbidden, "Forbidden", "leases.coordination.k8s.io is forbidden");
            return;
        }

        var method = context.Request.Method;
        if (method == "GET" && name is null && context.Request.Query["watch"] == "true")
        {
            await WatchAsync(context, collection);
            return;
        }

        JsonObject? body = null;
        if (method is "POST" or "PUT" or "PATCH")
        {
            body = (JsonObject?)await JsonNode.ParseAsync(context.Request.Body);
        }

        (HttpStatusCode Code, JsonNode? Result, string? Reason) answer;
        lock (_lock)
        {
            answer = (method, name) switch
            {
                ("GET", null) => (HttpStatusCode.OK, ListLocked(collection, context.Request.Query["labelSelector"]), null),
                ("GET", _) => _objects.TryGetValue(collection + "/" + name, out var found) ? (HttpStatusCode.OK, found, null) : (HttpStatusCode.NotFound, null, "NotFound"),
                ("POST", null) => CreateLocked(collection, body!),
                ("PUT", not null) => ReplaceLocked(collection, name, body!),
                ("PATCH", not null) => PatchLocked(collection, name, body!, context.Request.ContentType ?? string.Empty, status),
                ("DELETE", not null) => DeleteLocked(collection, name) ? (HttpStatusCode.OK, new JsonObject { ["kind"] = "Status", ["status"] = "Success" }, null) : (HttpStatusCode.NotFound, null, "NotFound"),
                _ => (HttpStatusCode.MethodNotAllowed, null, "MethodNotAllowed"),
            };
            answer.Result = answer.Result?.DeepClone();
        }

        if (answer.Reason is not null)
        {
            await WriteStatusAsync(context, answer.Code, answer.Reason, $"{method} {collection}/{name}: {answer.Reason}");
            return;
        }

        context.Response.StatusCode = (int)answer.Code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Result!.ToJsonString());
    }

    private JsonObject ListLocked(string collection, string? selector) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "List",
        ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
        ["items"] = new JsonArray([.. _objects.Where(kv => kv.Key.StartsWith(collection + "/", StringComparison.Ordinal) && Matches(kv.Value, selector)).Select(kv => kv.Value.DeepClone())]),
    };

    private (HttpStatusCode, JsonNode?, string?) CreateLocked(string collection, JsonObject body)
    {
        var name = body["metadata"]!["name"]!.GetValue<string>();
        if (_objects.ContainsKey(collection + "/" + name))
        {
            return (HttpStatusCode.Conflict, null, "AlreadyExists");
        }

        body["metadata"]!["uid"] = Guid.NewGuid().ToString();
        body["metadata"]!["generation"] = 1L;
        body["metadata"]!["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return (HttpStatusCode.Created, Store(collection, name, body, "ADDED", null), null);
    }

    private (HttpStatusCode, JsonNode?, string?) ReplaceLocked(string collection, string name, JsonObject body)
    {
        if (!_objects.TryGetValue(collection + "/" + name, out var existing))
        {
            return (HttpStatusCode.NotFound, null, "NotFound");
        }

        if (body["metadata"]?["resourceVersion"]?.GetValue<string>() is { } rv && rv != existing["metadata"]!["resourceVersion"]!.GetValue<string>())
        {
            return (HttpStatusCode.Conflict, null, "Conflict");
        }

        return (HttpStatusCode.OK, Store(collection, name, body, "MODIFIED", existing), null);
    }

    private (HttpStatusCode, JsonNode?, string?) PatchLocked(string collection, string name, JsonObject body, string contentType, bool status)
    {
        var existing = _objects.GetValueOrDefault(collection + "/" + name);
        if (!status && collection.EndsWith("/realtimeclusters", StringComparison.Ordinal) && ConflictNextClusterPatches > 0)
        {
            ConflictNextClusterPatches--;
            return (HttpStatusCode.Conflict, null, "Conflict");
        }

        if (contentType.StartsWith("application/apply-patch", StringComparison.Ordinal))
        {
            // Server-side apply, simplified: the applied metadata labels/annotations/owners and top-level spec fields win;
            // spec fields the applier leaves out (replicas under an HPA) keep their value; status is untouched.
            var merged = existing is null ? new JsonObject() : (JsonObject)existing.DeepClone();
            merged["apiVersion"] = body["apiVersion"]?.DeepClone();
            merged["kind"] = body["kind"]?.DeepClone();
            var meta = merged["metadata"] as JsonObject ?? [];
            merged["metadata"] = meta;
            foreach (var (key, value) in (JsonObject)body["metadata"]!)
            {
                meta[key] = value?.DeepClone();
            }

            if (body["spec"] is JsonObject spec)
            {
                var target = merged["spec"] as JsonObject ?? [];
                merged["spec"] = target;
                foreach (var (key, value) in spec)
                {
                    target[key] = value?.DeepClone();
                }
            }

            if (existing is null)
            {
                meta["uid"] = Guid.NewGuid().ToString();
                meta["generation"] = 1L;
                return (HttpStatusCode.Created, Store(collection, name, merged, "ADDED", null), null);
            }

            return (HttpStatusCode.OK, Store(collection, name, merged, "MODIFIED", existing), null);
        }

        if (existing is null)
        {
            return (HttpStatusCode.NotFound, null, "NotFound");
        }

        if (body["metadata"]?["resourceVersion"]?.GetValue<string>() is { } rv && rv != existing["metadata"]!["resourceVersion"]!.GetValue<string>())
        {
            return (HttpStatusCode.Conflict, null, "Conflict");
        }

        var patched = (JsonObject)existing.DeepClone();
        if (status)
        {
            patched["status"] = MergePatch(patched["status"], body["status"]);
        }
        else
        {
            body.Remove("status");
            patched = (JsonObject)MergePatch(patched, body)!;
        }

        return (HttpStatusCode.OK, Store(collection, name, patched, "MODIFIED", existing), null);
    }

    private bool DeleteLocked(string collection, string name)
    {
        if (!_objects.TryGetValue(collection + "/" + name, out var existing))
        {
            return false;
        }

        if (existing["metadata"]?["finalizers"] is JsonArray { Count: > 0 })
        {
            if (existing["metadata"]!["deletionTimestamp"] is null)
            {
                var marked = (JsonObject)existing.DeepClone();
                marked["metadata"]!["deletionTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                Store(collection, name, marked, "MODIFIED", existing);
            }

            return true;
        }

        _objects.Remove(collection + "/" + name);
        var gone = (JsonObject)existing.DeepClone();
        gone["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
        _events.Add((_version, collection, "DELETED", gone));
        return true;
    }

    private JsonObject Store(string collection, string name, JsonObject obj, string type, JsonObject? existing)
    {
        var meta = (JsonObject)obj["metadata"]!;
        meta["name"] = name;
        if (existing is not null)
        {
            foreach (var key in new[] { "uid", "creationTimestamp", "generation", "resourceVersion" })
            {
                meta[key] = existing["metadata"]![key]?.DeepClone();
            }

            if (collection.EndsWith("/realtimeclusters", StringComparison.Ordinal) && type == "MODIFIED" && obj["status"] is null)
            {
                obj["status"] = existing["status"]?.DeepClone();
            }

            if (JsonNode.DeepEquals(obj, existing))
            {
                return existing; // No-op writes change nothing (as a real API server's).
            }

            if (!JsonNode.DeepEquals(obj["spec"], existing["spec"]))
            {
                meta["generation"] = long.Parse(existing["metadata"]!["generation"]?.ToJsonString() ?? "1", CultureInfo.InvariantCulture) + 1;
            }
        }

        if (meta["deletionTimestamp"] is not null && meta["finalizers"] is not JsonArray { Count: > 0 })
        {
            _objects[collection + "/" + name] = obj;
            DeleteLocked(collection, name);
            return obj;
        }

        meta["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
        _objects[collection + "/" + name] = obj;
        _events.Add((_version, collection, type, (JsonObject)obj.DeepClone()));
        return obj;
    }

    private async Task WatchAsync(HttpContext context, string collection)
    {
        var from = long.TryParse(context.Request.Query["resourceVersion"], out var v) ? v : 0;
        var selector = context.Request.Query["labelSelector"].ToString();
        var bookmarks = context.Request.Query["allowWatchBookmarks"] == "true";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(stop.Token);
        var lastBookmark = DateTime.UtcNow;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                List<(string Type, JsonObject Object)> pending;
                lock (_lock)
                {
                    if (from < _compactedBefore)
                    {
                        pending = [("ERROR", new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["code"] = 410, ["reason"] = "Expired", ["message"] = "too old resource version" })];
                    }
                    else
                    {
                        pending = [.. _events.Where(e => e.Version > from && e.Collection == collection && Matches(e.Object, selector)).Select(e => (e.Type, (JsonObject)e.Object.DeepClone()))];
                        from = Math.Max(from, _events.Count > 0 ? _events[^1].Version : from);
                    }
                }

                if (bookmarks && pending.Count == 0 && DateTime.UtcNow - lastBookmark > TimeSpan.FromSeconds(1))
                {
                    lastBookmark = DateTime.UtcNow;
                    pending = [("BOOKMARK", new JsonObject { ["kind"] = "Bookmark", ["metadata"] = new JsonObject { ["resourceVersion"] = from.ToString(CultureInfo.InvariantCulture) } })];
                }

                foreach (var (type, obj) in pending)
                {
                    await context.Response.WriteAsync(new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString() + "\n", stop.Token);
                    await context.Response.Body.FlushAsync(stop.Token);
                    if (type == "ERROR")
                    {
                        return;
                    }
                }

                await Task.Delay(50, stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Client went away or the server is stopping.
        }
    }

    private static bool Matches(JsonObject obj, string? selector)
    {
        if (string.IsNullOrEmpty(selector))
        {
            return true;
        }

        var labels = obj["metadata"]?["labels"] as JsonObject;
        return selector.Split(',').All(term =>
        {
            var kv = term.Split('=');
            return labels?[kv[0]]?.GetValue<string>() == kv[1];
        });
    }

    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = MergePatch(result[key]?.DeepClone(), value);
            }
        }

        return result;
    }

    private static Task WriteStatusAsync(HttpContext context, HttpStatusCode code, string reason, string message)
    {
        context.Response.StatusCode = (int)code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["status"] = "Failure",
            ["code"] = (int)code,
            ["reason"] = reason,
            ["message"] = message,
        }.ToJsonString(), Encoding.UTF8);
    }
}
