using System.Net.WebSockets;
using Realtime.Core.Channels;
using Realtime.Core.Events;
using Realtime.Edge.Connections;
using Realtime.Edge.Hosting;
using Realtime.Edge.Protocol;

namespace Realtime.Edge.Events;

/// <summary>
/// The hook calls of the connection path: turns what happened to a connection into sink actions.
/// Channel events cover rooms only; a connection's user channel and broadcast are implied by
/// <c>connected</c> / <c>disconnected</c>.
/// </summary>
internal sealed class ConnectionEvents(EdgeEventSink sink, PresenceNotifier notifier, DrainState drain)
{
    public static bool Tracks(ChannelName channel) => channel.Kind == ChannelKind.Room;

    public void Connected(Connection connection) =>
        sink.Post(new EventAction(EventActionKind.Connected, connection.Id, connection.Identity.UserId));

    public void Subscribed(Connection connection, ChannelName channel)
    {
        if (Tracks(channel))
        {
            sink.Post(new EventAction(EventActionKind.Subscribed, connection.Id, connection.Identity.UserId, channel.Value));
        }

        notifier.Joined(connection, channel);
    }

    public void Unsubscribed(Connection connection, ChannelName channel, string reason)
    {
        if (Tracks(channel))
        {
            sink.Post(new EventAction(EventActionKind.Unsubscribed, connection.Id, connection.Identity.UserId, channel.Value, reason));
        }

        notifier.Left(connection, channel);
    }

    /// <summary>A closing connection leaves a channel: members are told; the stream's events come with <see cref="Disconnected"/>.</summary>
    public void LeftWithConnection(Connection connection, ChannelName channel) => notifier.Left(connection, channel);

    /// <summary>The connection ended; its remaining channels' events are produced with it.</summary>
    public void Disconnected(Connection connection)
    {
        var (reason, code) = Classify(connection.CloseRequested, drain.IsDraining);
        sink.Post(new EventAction(EventActionKind.Disconnected, connection.Id, connection.Identity.UserId, Reason: reason, Code: code));
    }

    /// <summary>The <c>disconnected</c> reason (and close code) of a close request.</summary>
    internal static (string Reason, int Code) Classify((WebSocketCloseStatus Status, string Reason)? close, bool draining) => close switch
    {
        null => (DisconnectReasons.ClientClose, 0),
        { Status: WebSocketCloseStatus.NormalClosure } => (DisconnectReasons.ClientClose, (int)WebSocketCloseStatus.NormalClosure),
        { Status: CloseCodes.SlowConsumer } => (DisconnectReasons.SlowConsumer, (int)CloseCodes.SlowConsumer),
        { Status: CloseCodes.TokenExpired } => (DisconnectReasons.TokenExpired, (int)CloseCodes.TokenExpired),
        { Status: CloseCodes.ServiceRestart } when draining => (DisconnectReasons.Drain, (int)CloseCodes.ServiceRestart),
        { } c => (DisconnectReasons.ServerClose, (int)c.Status),
    };
}
