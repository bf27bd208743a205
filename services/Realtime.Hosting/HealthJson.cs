using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Realtime.Hosting;

/// <summary>
/// The readiness answer as JSON: overall status and each check's status, description and data
/// (for the broker: each Redis shard up or down), so an operator sees which part is not ready.
/// </summary>
public static class HealthJson
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = "application/json";
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(
                e => e.Key,
                e => new Dictionary<string, object?>
                {
                    ["status"] = e.Value.Status.ToString(),
                    ["description"] = e.Value.Description,
                    ["data"] = e.Value.Data.ToDictionary(d => d.Key, d => d.Value?.ToString()),
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
