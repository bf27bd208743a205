using Microsoft.Extensions.Logging.Abstractions;
using Realtime.Core.Events;
using Realtime.Core.Options;
using Realtime.Redis;
using Realtime.TestKit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Realtime.IntegrationTests.Events;

/// <summary>Reads a test cluster's event stream straight from Redis.</summary>
internal sealed class EventStreamReader : IAsyncDisposable
{
    private readonly RedisConnection _connection;

    public EventStreamReader(Cluster cluster)
    {
        _connection = new RedisConnection(MsOptions.Create(new RedisOptions { Url = cluster.RedisUrl, Prefix = cluster.Prefix }), NullLogger<RedisConnection>.Instance);
        Log = new RedisEventLog(_connection, MsOptions.Create(new EventsOptions()));
    }

    public RedisEventLog Log { get; }

    public RedisConnection Connection => _connection;

    public async Task<List<LifecycleEvent>> AllAsync()
    {
        var all = new List<LifecycleEvent>();
        var cursor = "0";
        for (var i = 0; i < 1000; i++)
        {
            var page = await Log.ReadAsync(cursor, 1000);
            if (page.Events.Count == 0)
            {
                break;
            }

            all.AddRange(page.Events);
            cursor = page.Cursor;
        }

        return all;
    }

    /// <summary>Waits until the stream holds events matching <paramref name="done"/>; returns them all.</summary>
    public async Task<List<LifecycleEvent>> WaitForAsync(Func<List<LifecycleEvent>, bool> done, string because)
    {
        List<LifecycleEvent> all = [];
        await Eventually.TrueAsync(async () => done(all = await AllAsync()), because: because);
        return all;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
