using Realtime.Core.Instances;
using Realtime.TestKit.Contracts;

namespace Realtime.Core.Tests.Instances;

public sealed class InMemoryInstanceRegistryTests : InstanceRegistryContract
{
    public override Task InitializeAsync()
    {
        Registry = new InMemoryInstanceRegistry(Clock);
        return Task.CompletedTask;
    }
}
