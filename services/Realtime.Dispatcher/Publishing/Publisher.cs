using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.Messages;
using Realtime.Core.Options;
using Realtime.Core.Telemetry;
using Realtime.Dispatcher.Hosting;
using Realtime.V1;
using CoreEnvelope = Realtime.Core.Messages.Envelope;

namespace Realtime.Dispatcher.Publishing;

/// <summary>Validates a publish request, builds its envelope once and publishes it through the bus.</summary>
internal sealed class Publisher(IMessageBus bus, IOptions<DispatcherOptions> options, IOptions<HistoryOptions> history, DispatcherMetrics metrics, TimeProvider time)
{
    /// <summary>The most UTF-8 bytes a disconnect reason may have: what fits in a WebSocket close frame.</summary>
    public const int MaxReasonBytes = 123;

    /// <summary>Validates and publishes one message (a validation failure throws synchronously).</summary>
    public Task<PublishResponse> PublishAsync(PublishRequest request, CancellationToken cancellationToken) =>
        SendAsync(ValidateCounted(request), cancellationToken);

    /// <summary><see cref="Validate"/>, counting a refusal in the metrics.</summary>
    public OutgoingMessage ValidateCounted(PublishRequest request)
    {
        try
        {
            return Validate(request);
        }
        catch (PublishValidationException)
        {
            metrics.Publishes.WithLabels(KindOf(request.Target), "invalid").Inc();
            throw;
        }
    }

    /// <summary>
    /// Publishes a validated message. The broker command is issued before this method first yields,
    /// so calls made one after another reach Redis in that order (one multiplexed connection, and
    /// Redis runs scripts in arrival order): callers pipeline by starting several before awaiting any.
    /// </summary>
    public async Task<PublishResponse> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var kind = message.Channel.Namespace;
        var started = Stopwatch.GetTimestamp();
        using var activity = RealtimeActivities.Source.StartActivity("send " + message.Channel.Value, ActivityKind.Client);
        activity?.SetTag(RealtimeActivities.Tags.System, "realtime");
        activity?.SetTag(RealtimeActivities.Tags.Operation, "send");
        activity?.SetTag(RealtimeActivities.Tags.Destination, message.Channel.Value);
        activity?.SetTag(RealtimeActivities.Tags.MessageId, message.MessageId);
        try
        {
            var result = await bus.PublishAsync(message, cancellationToken);
            activity?.SetTag(RealtimeActivities.Tags.Offset, result.Position.Offset);
            metrics.PublishDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            metrics.Publishes.WithLabels(kind, result.Deduplicated ? "deduplicated" : "ok").Inc();
            return new PublishResponse
            {
                MessageId = result.MessageId,
                Channel = message.Channel.Value,
                Offset = result.Position.Offset,
                Epoch = result.Position.Epoch,
                Deduplicated = result.Deduplicated,
            };
        }
        catch (BusUnavailableException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            metrics.Publishes.WithLabels(kind, "unavailable").Inc();
            throw;
        }
    }

    /// <summary>
    /// <see cref="SendAsync"/> for the next message of an ordered sequence. While the broker is
    /// connected the command is issued at once (pipelined behind <paramref name="previous"/>); while it
    /// is not (first connect, reconnect), it waits for the previous message first, so a connection
    /// coming up can never reorder two messages.
    /// </summary>
    public async ValueTask<Task<PublishResponse>> SendInOrderAsync(OutgoingMessage message, Task? previous, CancellationToken cancellationToken)
    {
        if (previous is { IsCompleted: false } && !bus.IsConnected)
        {
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return SendAsync(message, cancellationToken);
    }

    private static string KindOf(Target? target) => target?.KindCase switch
    {
        Target.KindOneofCase.User => "user",
        Target.KindOneofCase.Room => "room",
        Target.KindOneofCase.Broadcast => "broadcast",
        _ => "none",
    };

    public OutgoingMessage Validate(PublishRequest request)
    {
        var channel = TargetChannel(request.Target);
        if (!EventName.IsValid(request.Event))
        {
            throw new PublishValidationException($"event must be 1..{EventName.MaxLength} characters of letters, digits and . _ : -");
        }

        var data = string.IsNullOrEmpty(request.Data) ? "null" : request.Data;
        var bytes = Encoding.UTF8.GetBytes(data);
        if (bytes.Length > options.Value.MaxDataBytes)
        {
            throw new PublishValidationException($"data is {bytes.Length} bytes; the limit is {options.Value.MaxDataBytes}");
        }

        // Carried compactly: a raw newline between JSON tokens would split the client frame it is
        // embedded in (frames separate messages with '\n') and could forge a message.
        var compact = CompactJson.TryCompact(bytes) ?? throw new PublishValidationException("data must be one valid JSON value");

        var key = string.IsNullOrEmpty(request.IdempotencyKey) ? null : request.IdempotencyKey;
        if (key is not null && !ChannelName.IsValidId(key))
        {
            throw new PublishValidationException(ChannelName.DescribeIdRule("idempotency_key"));
        }

        return Message(channel, request.Event, compact, key);
    }

    /// <summary>Closes every connection of <paramref name="user"/> on every edge (a control message on the user's channel).</summary>
    public async Task DisconnectAsync(string user, string? reason, CancellationToken cancellationToken)
    {
        if (!ChannelName.IsValidId(user))
        {
            throw new PublishValidationException(ChannelName.DescribeIdRule("user"));
        }

        reason = string.IsNullOrEmpty(reason) ? "disconnected" : reason;
        var reasonBytes = Encoding.UTF8.GetByteCount(reason);
        if (reasonBytes > MaxReasonBytes)
        {
            throw new PublishValidationException($"reason is {reasonBytes} UTF-8 bytes; the limit is {MaxReasonBytes} bytes (what a WebSocket close frame carries)");
        }

        if (reason.Any(char.IsControl))
        {
            throw new PublishValidationException("reason must be printable text (no control characters)");
        }

        var channel = ChannelName.User(user);
        try
        {
            await bus.PublishAsync(Message(channel, ControlNames.Disconnect, Encoding.UTF8.GetBytes(reason), null, control: ControlNames.Disconnect), cancellationToken);
            metrics.Publishes.WithLabels(ControlNames.Disconnect, "ok").Inc();
        }
        catch (BusUnavailableException)
        {
            metrics.Publishes.WithLabels(ControlNames.Disconnect, "unavailable").Inc();
            throw;
        }
    }

    /// <summary>Builds the envelope once (with a fresh id); control messages are ephemeral.</summary>
    private OutgoingMessage Message(ChannelName channel, string @event, byte[] data, string? idempotencyKey, string? control = null)
    {
        var id = MessageIds.New(time);

        // The message's own span (messaging "create"): its context travels in the envelope, so the
        // edge's "deliver" span continues this trace whichever edge and however late it delivers.
        using var activity = RealtimeActivities.Source.StartActivity("create " + channel.Value, ActivityKind.Producer);
        activity?.SetTag(RealtimeActivities.Tags.System, "realtime");
        activity?.SetTag(RealtimeActivities.Tags.Operation, "create");
        activity?.SetTag(RealtimeActivities.Tags.Destination, channel.Value);
        activity?.SetTag(RealtimeActivities.Tags.MessageId, id);
        var envelope = new CoreEnvelope
        {
            Id = id,
            Channel = channel.Value,
            Event = @event,
            Data = ByteString.CopyFrom(data),
            PublishedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Control = control ?? string.Empty,
            Traceparent = activity?.Id ?? string.Empty,
            Tracestate = activity?.TraceStateString ?? string.Empty,
        };
        var publish = control is null ? history.Value.PublishOptionsFor(channel) : PublishOptions.Ephemeral;
        return new OutgoingMessage(channel, id, envelope.ToByteArray(), idempotencyKey, publish);
    }

    /// <summary>
    /// A room target may be the room's name (<c>lobby</c>) or its full channel name (<c>room:lobby</c>),
    /// as GetHistory, GetPresence and clients spell it: one leading <c>room:</c> is removed.
    /// </summary>
    private static string RoomName(string room) =>
        room.StartsWith(ChannelName.RoomPrefix, StringComparison.Ordinal) ? room[ChannelName.RoomPrefix.Length..] : room;

    private static ChannelName TargetChannel(Target? target)
    {
        try
        {
            return target?.KindCase switch
            {
                Target.KindOneofCase.User => ChannelName.User(target.User),
                Target.KindOneofCase.Room => ChannelName.Room(RoomName(target.Room)),
                Target.KindOneofCase.Broadcast when target.Broadcast => ChannelName.Broadcast,
                _ => throw new PublishValidationException("target must be exactly one of user, room or broadcast=true"),
            };
        }
        catch (ArgumentException ex)
        {
            throw new PublishValidationException("target: " + ex.Message.Split(" (Parameter", 2)[0], ex);
        }
    }
}
