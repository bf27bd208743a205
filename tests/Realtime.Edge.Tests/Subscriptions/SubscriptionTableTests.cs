using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Edge.Auth;
using Realtime.Edge.Connections;
using Realtime.Edge.Hosting;
using Realtime.Edge.Subscriptions;

namespace Realtime.Edge.Tests.Subscriptions;

public sealed class SubscriptionTableTests : IAsyncDisposable
{
    private readonly CountingBus _bus = new();
    private readonly EdgeMetrics _metrics = new(Metrics.WithCustomRegistry(Metrics.NewCustomRegistry()));
    private readonly DeliveryWorkers _workers;
    private readonly SubscriptionTable _table;

    public SubscriptionTableTests()
    {
        _workers = new DeliveryWorkers(Microsoft.Extensions.Options.Options.Create(new EdgeOptions { DeliveryWorkers = 2 }), _metrics, NullLogger<DeliveryWorkers>.Instance);
        _workers.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _table = new SubscriptionTable(_bus, _workers, _metrics);
    }

    [Fact]
    public async Task FirstJoin_Subscribes_LastLeave_Unsubscribes()
    {
        var a = await _table.JoinAsync(NewConnection(), ChannelName.Parse("room:x"), buffer: false);
        var b = await _table.JoinAsync(NewConnection(), ChannelName.Parse("room:x"), buffer: false);
        Assert.Equal(1, _bus.Subscribes);
        Assert.Equal(1, _bus.Active);

        await _table.LeaveAsync(a);
        Assert.Equal(1, _bus.Active);
        await _table.LeaveAsync(b);
        Assert.Equal(0, _bus.Active);
        Assert.Equal(0, _table.ChannelCount);
    }

    [Fact]
    public async Task LeavingTwice_IsHarmless()
    {
        var a = await _table.JoinAsync(NewConnection(), ChannelName.Parse("room:y"), buffer: false);
        await _table.LeaveAsync(a);
        await _table.LeaveAsync(a);
        Assert.Equal(0, _bus.Active);
    }

    [Fact]
    public async Task ConcurrentJoinLeaveStorm_LeavesNoDanglingSubscription()
    {
        var channels = Enumerable.Range(0, 8).Select(i => $"room:storm{i}").ToArray();
        var survivors = new ConcurrentBag<ChannelMember>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var member = await _table.JoinAsync(NewConnection(), ChannelName.Parse(channels[i % channels.Length]), buffer: false, CancellationToken.None);
            await Task.Yield();
            if (i % 10 == 0)
            {
                survivors.Add(member);
            }
            else
            {
                await _table.LeaveAsync(member);
            }
        });

        // Channels with survivors stay subscribed exactly once; the others are gone.
        var expected = survivors.Select(m => m.Entry.Channel).Distinct().Count();
        Assert.Equal(expected, _bus.Active);
        Assert.True(_bus.MaxConcurrentPerChannel <= 1, "a channel was subscribed twice at once");

        foreach (var member in survivors)
        {
            await _table.LeaveAsync(member);
        }

        Assert.Equal(0, _bus.Active);
        Assert.Equal(0, _table.ChannelCount);
    }

    [Fact]
    public async Task FailedBusSubscribe_LeavesNothingBehind()
    {
        _bus.FailNext = true;
        await Assert.ThrowsAsync<BusUnavailableException>(() => _table.JoinAsync(NewConnection(), ChannelName.Parse("room:fail"), buffer: false));
        Assert.Equal(0, _table.ChannelCount);
        var ok = await _table.JoinAsync(NewConnection(), ChannelName.Parse("room:fail"), buffer: false);
        Assert.Equal(1, _bus.Active);
        await _table.LeaveAsync(ok);
    }

    public async ValueTask DisposeAsync() => await _workers.DisposeAsync();

    private Connection NewConnection() =>
        new(Guid.NewGuid().ToString("N"), new ClientIdentity("u", [], DateTimeOffset.MaxValue), WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true }), 16, 4096, _metrics);

    /// <summary>A fake of our own bus seam that counts live subscriptions per channel.</summary>
    private sealed class CountingBus : IMessageBus
    {
        private readonly ConcurrentDictionary<string, int> _perChannel = new();
        private int _active;
        private int _subscribes;
        private int _maxConcurrent;

        public bool IsConnected => true;

        public event EventHandler? SubscriptionsRestored
        {
            add { }
            remove { }
        }

        public bool FailNext { get; set; }

        public int Active => Volatile.Read(ref _active);

        public int Subscribes => Volatile.Read(ref _subscribes);

        public int MaxConcurrentPerChannel => Volatile.Read(ref _maxConcurrent);

        public Task<PublishResult> PublishAsync(OutgoingMessage message, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async Task<IAsyncDisposable> SubscribeAsync(ChannelName channel, Action<ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (FailNext)
            {
                FailNext = false;
                throw new BusUnavailableException("down");
            }

            var now = _perChannel.AddOrUpdate(channel.Value, 1, (_, n) => n + 1);
            InterlockedMax(ref _maxConcurrent, now);
            Interlocked.Increment(ref _active);
            Interlocked.Increment(ref _subscribes);
            return new Sub(this, channel.Value);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }

        private sealed class Sub(CountingBus bus, string channel) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                await Task.Yield();
                bus._perChannel.AddOrUpdate(channel, 0, (_, n) => n - 1);
                Interlocked.Decrement(ref bus._active);
            }
        }
    }
}
