using System.Net.WebSockets;
using Realtime.Core.Events;
using Realtime.Edge.Events;
using Realtime.Edge.Protocol;

namespace Realtime.Edge.Tests.Events;

public sealed class ConnectionEventsTests
{
    [Fact]
    public void Classify_MapsEveryCloseToItsDisconnectReason()
    {
        Assert.Equal((DisconnectReasons.ClientClose, 0), ConnectionEvents.Classify(null, draining: false));
        Assert.Equal((DisconnectReasons.ClientClose, 1000), ConnectionEvents.Classify((WebSocketCloseStatus.NormalClosure, "bye"), draining: false));
        Assert.Equal((DisconnectReasons.SlowConsumer, 4008), ConnectionEvents.Classify((CloseCodes.SlowConsumer, "slow consumer"), draining: false));
        Assert.Equal((DisconnectReasons.TokenExpired, 4002), ConnectionEvents.Classify((CloseCodes.TokenExpired, "token expired"), draining: false));
        Assert.Equal((DisconnectReasons.Drain, 1012), ConnectionEvents.Classify((CloseCodes.ServiceRestart, "server restart"), draining: true));
        Assert.Equal((DisconnectReasons.ServerClose, 1012), ConnectionEvents.Classify((CloseCodes.ServiceRestart, "broker unavailable"), draining: false));
        Assert.Equal((DisconnectReasons.ServerClose, 4009), ConnectionEvents.Classify((CloseCodes.Disconnected, "bye now"), draining: false));
    }

    [Fact]
    public void JoinAndLeaveFrames_HaveTheAgreedShape()
    {
        var channel = Realtime.Core.Channels.ChannelName.Room("game-1");
        Assert.Equal("""{"op":"join","channel":"room:game-1","user":"u1","conn":"c1"}""", System.Text.Encoding.UTF8.GetString(Frames.Join(channel, "u1", "c1")));
        Assert.Equal("""{"op":"leave","channel":"room:game-1","user":"u1","conn":"c1"}""", System.Text.Encoding.UTF8.GetString(Frames.Leave(channel, "u1", "c1")));
    }

    [Fact]
    public void NotifyNamespaces_TakesANamespaceOrAChannelGlob()
    {
        var options = new Realtime.Core.Options.PresenceOptions { NotifyNamespaces = ["room:game-*"] };
        Assert.True(options.Notifies(Realtime.Core.Channels.ChannelName.Room("game-7")));
        Assert.False(options.Notifies(Realtime.Core.Channels.ChannelName.Room("chat")));
        options.NotifyNamespaces = ["room"];
        Assert.True(options.Notifies(Realtime.Core.Channels.ChannelName.Room("chat")));
        Assert.False(options.Notifies(Realtime.Core.Channels.ChannelName.User("u1")));
        Assert.False(new Realtime.Core.Options.PresenceOptions().Notifies(Realtime.Core.Channels.ChannelName.Room("chat")));
    }
}
