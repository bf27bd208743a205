using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Realtime.V1;

namespace Realtime.Client.Publisher;

/// <summary>
/// Publishes to a room, a user or everyone. By default (<see cref="PublishMode.Stream"/>) every
/// message goes over one ordered <c>realtime.v1.Dispatcher/PublishStream</c>: messages are published
/// in the order the methods are called, many in flight at once, and each call completes with its own
/// answer. <see cref="PublishMode.Unary"/> uses one <c>Publish</c> call per message. Errors surface
/// as <see cref="RpcException"/> (INVALID_ARGUMENT for a bad name, event or payload,
/// UNAUTHENTICATED for a missing key, UNAVAILABLE when Redis is down or the stream broke: such a
/// message may or may not have been published).
/// </summary>
public sealed class RealtimePublisher : IDisposable, IAsyncDisposable
{
    private readonly Dispatcher.DispatcherClient _client;
    private readonly RealtimePublisherOptions _options;
    private readonly GrpcChannel? _ownedChannel;
    private readonly OrderedPublishStream? _stream;

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
        _stream = CreateStream();
    }

    /// <summary>Uses an existing generated client (e.g. from Grpc.Net.ClientFactory); the publisher does not own it.</summary>
    public RealtimePublisher(Dispatcher.DispatcherClient client, RealtimePublisherOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? new RealtimePublisherOptions();
        _stream = CreateStream();
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
        var response = _stream is not null
            ? await _stream.PublishAsync(request, _options.Timeout, cancellationToken).ConfigureAwait(false)
            : await _client.PublishAsync(request, CallOptions(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        return new PublishResult(response.MessageId, response.Channel, response.Offset, response.Epoch, response.Deduplicated);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        _ownedChannel?.Dispose();
    }

    private OrderedPublishStream? CreateStream()
    {
        if (_options.Mode != PublishMode.Stream)
        {
            return null;
        }

        if (_options.MaxInFlight < 1)
        {
            throw new ArgumentException("RealtimePublisherOptions.MaxInFlight must be at least 1.", "options");
        }

        return new OrderedPublishStream(_client, () => Headers(), _options.MaxInFlight);
    }

    private Metadata? Headers() =>
        string.IsNullOrEmpty(_options.ApiKey) ? null : new Metadata { { "x-api-key", _options.ApiKey } };

    private string Serialize(object? data) =>
        data is null ? "null" : JsonSerializer.Serialize(data, data.GetType(), _options.SerializerOptions);

    private CallOptions CallOptions(CancellationToken cancellationToken)
    {
        var headers = Headers();
        DateTime? deadline = _options.Timeout is { } timeout ? DateTime.UtcNow + timeout : null;
        return new CallOptions(headers, deadline, cancellationToken);
    }
}
