using Realtime.Core.Bus;
using Realtime.Core.History;
using Realtime.TestKit.Contracts;

namespace Realtime.Core.Tests.Bus;

public sealed class InMemoryMessageBusTests : MessageBusContract
{
    public override Task InitializeAsync()
    {
        var log = new InMemoryChannelLog(TimeProvider.System);
        Bus = new InMemoryMessageBus(log);
        Store = new InMemoryHistoryStore(log);
        return Task.CompletedTask;
    }
}
