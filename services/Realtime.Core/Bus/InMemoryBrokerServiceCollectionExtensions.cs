using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Realtime.Core.History;
using Realtime.Core.Instances;
using Realtime.Core.Presence;

namespace Realtime.Core.Bus;

/// <summary>Registration of the single-process broker (<c>ENABLE_WEBSOCKET_CLUSTERING=false</c>).</summary>
public static class InMemoryBrokerServiceCollectionExtensions
{
    /// <summary>The in-process bus, history, presence and instance registry (no Redis).</summary>
    public static IServiceCollection AddRealtimeInMemoryBroker(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<InMemoryChannelLog>();
        services.AddSingleton<IMessageBus, InMemoryMessageBus>();
        services.AddSingleton<IHistoryStore, InMemoryHistoryStore>();
        services.AddSingleton<IInstanceRegistry, InMemoryInstanceRegistry>();
        services.AddSingleton<IPresenceStore, InMemoryPresenceStore>();
        return services;
    }
}
