using System.Text.Json;

namespace Realtime.Client.Publisher;

/// <summary>Settings of a <see cref="RealtimePublisher"/>.</summary>
public sealed class RealtimePublisherOptions
{
    /// <summary>The dispatcher's gRPC address, e.g. <c>http://realtime-dispatcher:8081</c> (h2c) or an https URL.</summary>
    public Uri? Address { get; set; }

    /// <summary>Sent as <c>x-api-key</c> metadata when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// <see cref="PublishMode.Stream"/> (default): ordered and pipelined over one <c>PublishStream</c>;
    /// <see cref="PublishMode.Unary"/>: one <c>Publish</c> call per message.
    /// </summary>
    public PublishMode Mode { get; set; } = PublishMode.Stream;

    /// <summary>Stream mode: most messages sent and not yet answered; further publishes wait.</summary>
    public int MaxInFlight { get; set; } = 1024;

    /// <summary>How long one publish may take until its answer (per message in stream mode); null for no limit.</summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How <c>data</c> objects are serialized (default: System.Text.Json web defaults, camelCase).</summary>
    public JsonSerializerOptions SerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);
}
