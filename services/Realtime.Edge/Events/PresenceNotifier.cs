using Google.Protobuf;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.Messages;
using Realtime.Core.Options;
using Realtime.Edge.Connections;
using Realtime.Edge.Protocol;

namespace Realtime.Edge.Events;

/// <summary>
/// Tells the members of an opted-in channel (<see cref="PresenceOptions.NotifyNamespaces"/>) when a
/// connection joins or leaves it: the frame is built here once and published as a presence control
/// message on the channel, which every edge delivers as is to its local members. Best effort
/// (pub/sub, no history); it never delays the command that caused it.
/// </summary>
internal sealed partial class PresenceNotifier(IMessageBus bus, IOptions<PresenceOptions> options, TimeProvider time, ILogger<PresenceNotifier> logger)
{
    public void Joined(Connection connection, ChannelName channel)
    {
        if (options.Value.Notifies(channel))
        {
            Publish(channel, Frames.Join(channel, connection.Identity.UserId, connection.Id));
        }
    }

    public void Left(Connection connection, ChannelName channel)
    {
        if (options.Value.Notifies(channel))
        {
            Publish(channel, Frames.Leave(channel, connection.Identity.UserId, connection.Id));
        }
    }

    private void Publish(ChannelName channel, byte[] frame)
    {
        var id = MessageIds.New(time);
        var envelope = new Envelope
        {
            Id = id,
            Channel = channel.Value,
            Event = ControlNames.Presence,
            Data = ByteString.CopyFrom(frame),
            PublishedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Control = ControlNames.Presence,
        };
        _ = PublishAsync(new OutgoingMessage(channel, id, envelope.ToByteArray(), null, PublishOptions.Ephemeral));
    }

    private async Task PublishAsync(OutgoingMessage message)
    {
        try
        {
            await bus.PublishAsync(message);
        }
        catch (Exception ex) when (ex is BusUnavailableException or OperationCanceledException)
        {
            Log.PublishFailed(logger, message.Channel.Value, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1210, Level = LogLevel.Warning, Message = "Presence notice on {Channel} not published")]
        public static partial void PublishFailed(ILogger logger, string channel, Exception exception);
    }
}
