using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Realtime.V1;

namespace Realtime.Client.Publisher;

/// <summary>
/// Publishes to a room, a user or everyone through <c>realtime.v1.Dispatcher/Publish</c>.
/// Errors surface as <see cref="RpcException"/> (INVALID_ARGUMENT for a bad name, event or
/// payload, UNAUTHENTICATED for a missing key, UNAVAILABLE when Redis is down).
/// </summary>
public sealed class RealtimePublisher : IDisposable
{
    private readonly Dispatcher.DispatcherClient _client;
    private readonly RealtimePublisherOptions _options;
    private readonly GrpcChannel? _ownedChannel;

    /// <summary>Creates a publisher with its own gRPC channel to <see cref="RealtimePublisherOptions.Address"/>.</summary>
    public RealtimePublisher(RealtimePublisherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Address is null)
        {
            throw new ArgumentException("RealtimePublisherOptions.Address is required.", nameof(options));
        }

        _options = options;
        _ownedChannel = GrpcChannel.ForAddress(options.Address);
        _client = new Dispatcher.DispatcherClient(_ownedChannel);
    }

    /// <summary>Uses an existing generated client (e.g. from Grpc.Net.ClientFactory); the publisher does not own it.</summary>
    public RealtimePublisher(Dispatcher.DispatcherClient client, RealtimePublisherOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? new RealtimePublisherOptions();
    }

    /// <summary>Publishes <paramref name="data"/> (serialized to JSON) to <c>room:{room}</c>.</summary>
    public Task<PublishResult> ToRoomAsync(string room, string @event, object? data, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        PublishJsonAsync(new Target { Room = room }, @event, Serialize(data), idempotencyKey, cancellationToken);

    /// <summary>Publishes <paramref name="data"/> (serialized to JSON) to <c>user:{userId}</c>, i.e. every connection of that user.</summary>
    public Task<PublishResult> ToUserAsync(string userId, string @event, object? data, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        PublishJsonAsync(new Target { User = userId }, @event, Serialize(data), idempotencyKey, cancellationToken);

    /// <summary>Publishes <paramref name="data"/> (serialized to JSON) to every connection.</summary>
    public Task<PublishResult> BroadcastAsync(string @event, object? data, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        PublishJsonAsync(new Target { Broadcast = true }, @event, Serialize(data), idempotencyKey, cancellationToken);

    /// <summary>Publishes JSON text as it is (it must be valid JSON; the dispatcher checks).</summary>
    public async Task<PublishResult> PublishJsonAsync(Target target, string @event, string json, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var request = new PublishRequest
        {
            Target = target,
            Event = @event ?? string.Empty,
            Data = json ?? "null",
            IdempotencyKey = idempotencyKey ?? string.Empty,
        };
        var response = await _client.PublishAsync(request, CallOptions(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        return new PublishResult(response.MessageId, response.Channel, response.Offset, response.Epoch, response.Deduplicated);
    }

    public void Dispose() => _ownedChannel?.Dispose();

    private string Serialize(object? data) =>
        data is null ? "null" : JsonSerializer.Serialize(data, data.GetType(), _options.SerializerOptions);

    private CallOptions CallOptions(CancellationToken cancellationToken)
    {
        Metadata? headers = null;
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            headers = new Metadata { { "x-api-key", _options.ApiKey } };
        }

        DateTime? deadline = _options.Timeout is { } timeout ? DateTime.UtcNow + timeout : null;
        return new CallOptions(headers, deadline, cancellationToken);
    }
}
