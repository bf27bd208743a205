using System.Net.WebSockets;
using System.Text;
using Prometheus;
using Realtime.Core.Channels;
using Realtime.Core.History;
using Realtime.Edge.Auth;
using Realtime.Edge.Connections;
using Realtime.Edge.Subscriptions;

namespace Realtime.Edge.Tests.Subscriptions;

/// <summary>The O(1) member slots: whatever the order of joins and leaves, exactly the members still in get each message once.</summary>
public sealed class ChannelEntryTests
{
    private static readonly EdgeMetrics Metrics = new(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry()));

    private static Connection NewConnection(int i) => new(
        $"c{i}",
        new ClientIdentity($"u{i}", [], DateTimeOffset.MaxValue),
        WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true }),
        1 << 20,
        4096,
        Metrics);

    [Fact]
    public void RandomJoinsAndLeaves_DeliverToExactlyTheMembersStillIn()
    {
        var entry = new ChannelEntry(ChannelName.Parse("broadcast"), 0);
        var random = new Random(42);
        var inside = new List<ChannelMember>();
        var all = new List<ChannelMember>();
        for (var step = 0; step < 5_000; step++)
        {
            if (inside.Count == 0 || random.Next(3) > 0)
            {
                var member = new ChannelMember(NewConnection(step), entry);
                entry.Add(member);
                inside.Add(member);
                all.Add(member);
            }
            else
            {
                var leaving = inside[random.Next(inside.Count)];
                Assert.True(entry.Remove(leaving));
                Assert.False(entry.Remove(leaving)); // twice: no effect
                inside.Remove(leaving);
            }
        }

        Assert.Equal(inside.Count, entry.Count);
        Assert.Equal(inside.Count, entry.Deliver(StreamPosition.None, Encoding.UTF8.GetBytes("{}")));
        foreach (var member in all)
        {
            Assert.Equal(inside.Contains(member) ? 1 : 0, member.Connection.TakeQueued().Count);
        }

        Assert.Equal(inside.ToHashSet(), entry.Snapshot().ToHashSet());
    }
}
