using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.Options;
using Realtime.Edge;
using Realtime.Edge.Auth;
using Realtime.Edge.Connections;
using Realtime.Edge.Hosting;
using Realtime.Edge.Subscriptions;

namespace Realtime.Bench.Micro;

/// <summary>
/// 18,000 connections join one channel (as every connection joins <c>broadcast</c>) and then
/// leave it, on one edge's subscription table with the in-process broker: the cost of a reconnect
/// storm or a drain. Time and allocations per operation are what matter.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class MembershipBenchmarks : IAsyncDisposable
{
    private SubscriptionTable _table = null!;
    private DeliveryWorkers _workers = null!;
    private Connection[] _connections = [];

    [Params(18_000)]
    public int Connections { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var metrics = new EdgeMetrics(Metrics.WithCustomRegistry(Metrics.NewCustomRegistry()));
        var bus = new InMemoryMessageBus(new InMemoryChannelLog(TimeProvider.System));
        _workers = new DeliveryWorkers(Options.Create(new EdgeOptions()), metrics, NullLogger<DeliveryWorkers>.Instance);
        _workers.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _table = new SubscriptionTable(bus, _workers, metrics);
        _connections = [.. Enumerable.Range(0, Connections).Select(i => new Connection(
            $"c{i}",
            new ClientIdentity($"u{i}", [], DateTimeOffset.MaxValue),
            WebSocket.CreateFromStream(Stream.Null, new WebSocketCreationOptions { IsServer = true }),
            1 << 20,
            65_536,
            metrics))];
    }

    /// <summary>Every connection joins, then every connection leaves (in join order).</summary>
    [Benchmark(OperationsPerInvoke = 2 * 18_000)]
    public async Task JoinThenLeaveAll()
    {
        var members = new ChannelMember[_connections.Length];
        for (var i = 0; i < _connections.Length; i++)
        {
            members[i] = await _table.JoinAsync(_connections[i], ChannelName.Parse("broadcast"), buffer: false);
        }

        for (var i = 0; i < members.Length; i++)
        {
            await _table.LeaveAsync(members[i]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _workers.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
