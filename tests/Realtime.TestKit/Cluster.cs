using Grpc.Net.Client;
using Realtime.V1;

namespace Realtime.TestKit;

/// <summary>
/// Several edges and dispatchers on one real Redis, isolated by a unique key prefix, with a gRPC
/// client for the first dispatcher.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    private readonly List<GrpcChannel> _channels = [];

    private Cluster(string redisUrl, string prefix, IDictionary<string, string?> settings)
    {
        RedisUrl = redisUrl;
        Prefix = prefix;
        Settings = settings;
    }

    public string RedisUrl { get; }

    public string Prefix { get; }

    public IDictionary<string, string?> Settings { get; }

    public List<ServiceHost> Edges { get; } = [];

    public List<ServiceHost> Dispatchers { get; } = [];

    public Realtime.V1.Dispatcher.DispatcherClient Client { get; private set; } = null!;

    public static async Task<Cluster> StartAsync(int edges = 2, int dispatchers = 1, IDictionary<string, string?>? settings = null, string? redisUrl = null)
    {
        redisUrl ??= (await RedisServer.GetAsync()).Url;
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>(), StringComparer.OrdinalIgnoreCase)
        {
            ["Realtime:Redis:Url"] = redisUrl,
            ["Realtime:Redis:Prefix"] = prefix,
        };
        var cluster = new Cluster(redisUrl, prefix, all);
        for (var i = 0; i < edges; i++)
        {
            await cluster.AddEdgeAsync();
        }

        for (var i = 0; i < dispatchers; i++)
        {
            cluster.Dispatchers.Add(await ServiceHost.StartDispatcherAsync($"dispatcher-{i}", all));
        }

        if (dispatchers > 0)
        {
            cluster.Client = cluster.ClientFor(cluster.Dispatchers[0]);
        }

        return cluster;
    }

    public async Task<ServiceHost> AddEdgeAsync(string? serverId = null)
    {
        var edge = await ServiceHost.StartEdgeAsync(serverId ?? $"edge-{(char)('a' + Edges.Count)}", Settings);
        Edges.Add(edge);
        return edge;
    }

    public Realtime.V1.Dispatcher.DispatcherClient ClientFor(ServiceHost dispatcher)
    {
        var channel = GrpcChannel.ForAddress(dispatcher.GrpcUrl!);
        _channels.Add(channel);
        return new Realtime.V1.Dispatcher.DispatcherClient(channel);
    }

    public Task<PublishResponse> PublishToRoomAsync(string room, string data = "{}", string @event = "test.event") =>
        Client.PublishAsync(new PublishRequest { Target = new Target { Room = room }, Event = @event, Data = data }).ResponseAsync;

    public Task<PublishResponse> PublishToUserAsync(string user, string data = "{}", string @event = "test.event") =>
        Client.PublishAsync(new PublishRequest { Target = new Target { User = user }, Event = @event, Data = data }).ResponseAsync;

    public Task<PublishResponse> BroadcastAsync(string data = "{}", string @event = "test.event") =>
        Client.PublishAsync(new PublishRequest { Target = new Target { Broadcast = true }, Event = @event, Data = data }).ResponseAsync;

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        var errors = new List<Exception>();
        foreach (var host in Edges.Concat(Dispatchers))
        {
            try
            {
                await host.DisposeAsync();
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(ex);
            }
        }

        if (errors.Count > 0)
        {
            throw new AggregateException(errors);
        }
    }
}
